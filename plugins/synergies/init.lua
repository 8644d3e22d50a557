-- SPDX-License-Identifier: MIT
--[[
synergies — le registre des synergies Ville/CPAS (README.md).

  - un champ « Service communal » sur les actions : le service de la commune avec qui
    l'action est menée ;
  - une action marquée « synergie : oui » nomme au moins un partenaire ;
  - jalon report synergies [OS] : les actions en synergie, par OS et OO.
]]

jalon.field("Service communal ; pour: action")

local function check(change)
	local new = change.new
	if new and new.synergy and #(new.partners or {}) == 0 then
		return false, change.name .. " : une action en synergie nomme au moins un partenaire (partenaires=…)"
	end
	return true
end

jalon.on("action.synergy", check)
jalon.on("action.partners", check)

local function value(text, otherwise)
	if text == nil or text == "" then
		return otherwise
	end
	return text
end

jalon.report("synergies", function(ctx, args)
	local filter = { kind = "os" }
	local chosen = args[1] and jalon.get(args[1])
	if args[1] and not chosen then
		error("OS « " .. args[1] .. " » introuvable", 0)
	end
	local count, done = 0, 0
	for _, os_item in ipairs(jalon.query(filter)) do
		if not chosen or chosen.id == os_item.id then
			local header = false
			for _, oo in ipairs(jalon.query({ kind = "oo", os = os_item.id })) do
				for _, action in ipairs(jalon.query({ kind = "action", oo = oo.id })) do
					if action.synergy then
						if not header then
							ctx.write(value(os_item.label, "OS"), " ", os_item.title, "\n")
							header = true
						end
						count = count + 1
						if action.status == "terminé" then
							done = done + 1
						end
						ctx.write(
							"  ",
							value(oo.label, "OO"),
							" › ",
							value(action.label, "Action"),
							" ",
							action.title,
							" — ",
							action.status,
							" — ",
							action.deadline and action.deadline.text or "pas d'échéance",
							" — partenaires : ",
							table.concat(action.partners, ", "),
							action.custom and action.custom["Service communal"]
									and (" — service communal : " .. action.custom["Service communal"])
								or "",
							"\n"
						)
					end
				end
			end
		end
	end
	return ("%d action%s en synergie, dont %d terminée%s\n"):format(
		count,
		count > 1 and "s" or "",
		done,
		done > 1 and "s" or ""
	)
end)
