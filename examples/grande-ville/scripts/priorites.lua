-- SPDX-License-Identifier: MIT
--[[
Les actions prioritaires sont rappelées plus tôt — 60, 30, 14 et 3 jours ouvrables avant
leur échéance — et le Président en reçoit une copie.
]]

local president = "Président du CPAS <president@cpas-grandeville.be>"

jalon.remind_rule(function(item, what, rule)
	if item.priority and what == "échéance" then
		rule.before = { 60, 30, 14, 3 }
		rule.extra[#rule.extra + 1] = president
	end
end)
