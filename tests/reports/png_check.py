#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Checks that a PNG screenshot has the expected size and is not blank.

    /usr/bin/python3 tests/reports/png_check.py FILE.png WIDTH HEIGHT [MIN_COLOURS]
        [--region X Y W H] [--max-background PERCENT] [--count-colour RRGGBB]...

Fails (status 1, message on stderr) unless the image is WIDTH x HEIGHT and the area
checked (the whole image, or the rectangle of --region) holds at least MIN_COLOURS
distinct colours (default 8) and less than PERCENT % (default 98) of its pixels have
its background colour (its most frequent one).  Prints on stdout one summary line, e.g.
    shot.png : 1024x1400, 412 couleurs, fond ffffff 91.3 %
then, for each --count-colour, the number of pixels of exactly that colour in the area:
    2a7ae2 6000
Colours are compared as RGB (alpha left out).  Standard library only: 8-bit PNG, colour
types 0, 2, 3, 4 and 6, the five filters, not interlaced.
"""
import argparse
import collections
import itertools
import operator
import struct
import sys
import zlib

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> bytes per pixel at 8 bits


class PNGError(Exception):
    pass


def unfilter(kind, raw, prev, bpp):
    """One scanline with its filter undone (PNG spec, section 9)."""
    if kind == 0:
        return raw
    if kind == 2:  # Up
        return bytes(map((255).__and__, map(operator.add, raw, prev)))
    if kind == 1:  # Sub: a running sum per channel, modulo 256
        out = bytearray(len(raw))
        for c in range(bpp):
            out[c::bpp] = bytes(map((255).__and__, itertools.accumulate(raw[c::bpp])))
        return bytes(out)
    out = bytearray(raw)
    if kind == 3:  # Average
        for i in range(len(out)):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prev[i]) >> 1)) & 255
    elif kind == 4:  # Paeth
        for i in range(len(out)):
            a = out[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    else:
        raise PNGError(f"filtre inconnu {kind}")
    return bytes(out)


def decode(path):
    """(width, height, rows), each row a (red, green, blue) triple of bytes objects."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise PNGError("pas un PNG")
    pos, idat, palette, header = 8, [], None, None
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if pos + 12 + length > len(data):
            raise PNGError("fichier tronqué")
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise PNGError(f"CRC faux dans le bloc {kind.decode(errors='replace')}")
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    else:
        raise PNGError("fichier tronqué (pas de IEND)")
    if header is None:
        raise PNGError("pas de IHDR")
    width, height, depth, ctype, _, _, interlace = header
    if depth != 8 or ctype not in CHANNELS or interlace:
        raise PNGError(f"format non géré : {depth} bits, type {ctype}, "
                       f"entrelacement {interlace}")
    if ctype == 3 and palette is None:
        raise PNGError("palette absente")
    bpp = CHANNELS[ctype]
    stride = width * bpp
    pixels = zlib.decompress(b"".join(idat))
    if len(pixels) != height * (stride + 1):
        raise PNGError("données d'image de taille inattendue")
    if ctype == 3:  # palette index -> red, green, blue through three translation tables
        tables = [bytes(palette[i::3].ljust(256, b"\0")) for i in range(3)]
    rows, prev = [], bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        prev = unfilter(pixels[start], pixels[start + 1:start + 1 + stride], prev, bpp)
        if ctype == 3:
            rows.append(tuple(prev.translate(t) for t in tables))
        elif ctype in (0, 4):  # grey
            rows.append((prev[::bpp],) * 3)
        else:
            rows.append(tuple(prev[c::bpp] for c in range(3)))
    return width, height, rows


def rgb(text):
    """RRGGBB -> (red, green, blue), for argparse."""
    if len(text) != 6 or text.strip("0123456789abcdefABCDEF"):
        raise argparse.ArgumentTypeError(f"{text} : couleur RRGGBB attendue")
    return tuple(bytes.fromhex(text))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("width", type=int)
    ap.add_argument("height", type=int)
    ap.add_argument("min_colours", type=int, nargs="?", default=8)
    ap.add_argument("--region", type=int, nargs=4, metavar=("X", "Y", "W", "H"))
    ap.add_argument("--count-colour", action="append", default=[], metavar="RRGGBB",
                    type=rgb)
    ap.add_argument("--max-background", type=float, default=98, metavar="PERCENT")
    args = ap.parse_args()

    try:
        width, height, rows = decode(args.file)
    except (OSError, PNGError, zlib.error, struct.error) as e:
        sys.exit(f"{args.file} : illisible : {e}")
    if (width, height) != (args.width, args.height):
        sys.exit(f"{args.file} : {width}x{height} au lieu de {args.width}x{args.height}")
    x, y, w, h = args.region or (0, 0, width, height)
    if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > width or y + h > height:
        sys.exit(f"{args.file} : région {x} {y} {w} {h} hors de l'image {width}x{height}")
    counts = collections.Counter()
    for r, g, b in rows[y:y + h]:
        counts.update(zip(r[x:x + w], g[x:x + w], b[x:x + w]))

    background, n = counts.most_common(1)[0]
    share = 100 * n / (w * h)
    where = f" (région {x} {y} {w} {h})" if args.region else ""
    print(f"{args.file} : {width}x{height}{where}, {len(counts)} couleurs, "
          f"fond {bytes(background).hex()} {share:.1f} %")
    for colour in args.count_colour:
        print(bytes(colour).hex(), counts[colour])
    if len(counts) < args.min_colours:
        sys.exit(f"{args.file} : image vide ? {len(counts)} couleurs{where}, "
                 f"moins de {args.min_colours}")
    if share >= args.max_background:
        sys.exit(f"{args.file} : image vide ? le fond {bytes(background).hex()} couvre "
                 f"{share:.1f} %{where} des pixels (il en faut moins de "
                 f"{args.max_background:g} %)")


if __name__ == "__main__":
    main()
