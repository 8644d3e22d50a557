-- SPDX-License-Identifier: MIT
--[[
Le workflow par défaut des actions et des tâches d'un PST.

Copiez ce fichier dans le dossier des scripts du store (DIR/scripts, ou le dossier que
nomme scripts.path dans DIR/jalon.conf) et adaptez les tables ci-dessous : Jalon le
charge à la première modification et refuse, avec le message écrit ici, tout
changement qui ne les respecte pas (docs/scripts.md).

  états         à lancer → en cours → terminé, avec reporté et abandonné
  transitions   celles de la table `transitions` ; une autre est refusée
  rôles         une transition réservée à des rôles (le DG pour abandonner) : la
                personne qui agit doit avoir, dans le plan, une personne ou un rôle de
                ce nom avec la même adresse e-mail (jalon add person DG email=… type=rôle)
  champs requis ce qu'il faut avoir écrit pour entrer dans un état (une note
                d'évaluation pour terminer)
  actions       ce que Jalon ajoute à une transition, dans le même commit (la date de
                fin effective d'une action terminée)
  objectifs     changer un objectif stratégique (OS) est réservé au DG
]]

local transitions = {
	["à lancer"] = { "en cours", "reporté", "abandonné" },
	["en cours"] = { "terminé", "reporté", "abandonné" },
	["reporté"] = { "en cours", "abandonné" },
	["terminé"] = { "en cours" }, -- rouvrir ce qui a été clos trop tôt
	["abandonné"] = { "à lancer" },
}

local roles = {
	["abandonné"] = { "DG" },
}

local required = {
	["terminé"] = {
		field = "notes",
		what = "une note d'évaluation (note=…)",
	},
}

local os_roles = { "DG" }

local function contains(list, value)
	for _, v in ipairs(list) do
		if v == value then
			return true
		end
	end
	return false
end

local function has_role(author, wanted)
	for _, role in ipairs(author.roles) do
		if contains(wanted, role) then
			return true
		end
	end
	return false
end

local function is_empty(value)
	return value == nil or value == "" or (type(value) == "table" and next(value) == nil)
end

-- The dates a transition implies, when nobody wrote them: set in the change itself
-- (jalon.set inside a handler amends the change), so that the transition and its
-- consequences are one commit.
local implied = {
	["en cours"] = { field = "actual_start", key = "début effectif" },
	["terminé"] = { field = "actual_end", key = "fin effective" },
}

local function check_status(change)
	if not change.old or not change.new then
		return true -- a creation or a removal: no transition
	end
	local from, to = change.old.status, change.new.status
	if not contains(transitions[from] or {}, to) then
		return false,
			("%s : passer de « %s » à « %s » n'est pas prévu (possible : %s)"):format(
				change.name,
				from,
				to,
				table.concat(transitions[from] or {}, ", ")
			)
	end
	if roles[to] and not has_role(change.author, roles[to]) then
		return false,
			("%s : seul %s peut passer une action à « %s »"):format(
				change.name,
				table.concat(roles[to], " ou "),
				to
			)
	end
	local need = required[to]
	if need and is_empty(change.new[need.field]) then
		return false, ("%s : pour passer à « %s », il faut %s"):format(change.name, to, need.what)
	end
	local date = implied[to]
	if date and not change.new[date.field] then
		jalon.set(change.id, { [date.key] = os.date("%Y-%m-%d") })
	end
	return true
end

jalon.on("action.status", check_status)
jalon.on("task.status", check_status)

jalon.on("before_change", function(change)
	if change.kind == "os" and change.old and not has_role(change.author, os_roles) then
		return false, ("%s : un objectif stratégique ne change qu'avec le DG"):format(change.name)
	end
	return true
end)
