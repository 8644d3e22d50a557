/* SPDX-License-Identifier: MIT */
/*
 * Jalon — an embeddable core for the Programme stratégique transversal (PST) of Walloon
 * CPAS and communes. Include this header; link with `pkg-config --libs jalon`.
 */
#ifndef JALON_H
#define JALON_H

#include "jalon/common.h"
#include "jalon/store.h"
#include "jalon/item.h"
#include "jalon/query.h"
#include "jalon/history.h"
#include "jalon/io.h"
#include "jalon/config.h"
#include "jalon/remind.h"
#include "jalon/report.h"
#include "jalon/progress.h"

#endif
