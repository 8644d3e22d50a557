-- SPDX-License-Identifier: MIT
--[[
Le Comité de direction approuve une action avant qu'elle ne soit clôturée.

Un champ « Validation CODIR » (à présenter, approuvée, à revoir) s'ajoute aux actions.
Seuls le Comité de direction (sa secrétaire agit sous ce rôle) et le DG peuvent
l'approuver ; une action ne passe à « terminé » qu'une fois approuvée.
]]

jalon.field("Validation CODIR ; type: liste ; valeurs: à présenter, approuvée, à revoir ;"
	.. " pour: action")

local approvers = { "Comité de direction", "DG" }

local function has_role(author, wanted)
	for _, role in ipairs(author.roles) do
		for _, w in ipairs(wanted) do
			if role == w then
				return true
			end
		end
	end
	return false
end

local function validation(record)
	return record and record.custom and record.custom["Validation CODIR"]
end

jalon.on("before_change", function(change)
	if change.kind ~= "action" or not change.new then
		return true
	end
	local before, after = validation(change.old), validation(change.new)
	if after == "approuvée" and before ~= after and not has_role(change.author, approvers) then
		return false, change.name .. " : seul le Comité de direction approuve une action"
	end
	local closing = change.new.status == "terminé" and (not change.old or change.old.status ~= "terminé")
	if closing and after ~= "approuvée" then
		return false,
			change.name
				.. " : le Comité de direction doit l'approuver avant qu'elle ne soit terminée"
				.. " (Validation CODIR : « "
				.. (after or "à présenter")
				.. " »)"
	end
	return true
end)
