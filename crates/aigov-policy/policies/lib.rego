# Helpers shared by the gates.
package aigov.lib

import rego.v1

# A non-empty string.
non_empty(s) if {
	is_string(s)
	s != ""
}

# A number.
number(x) if is_number(x)

# Verified, unexpired approvals of a role for a stage, by anyone but the version's creator.
approved_by(approvals, stage, role, creators) if {
	some a in approvals
	a.verified == true
	a.expired == false
	a.decision == "approve"
	a.stage == stage
	a.role == role
	not a.actor in creators
}

# Who gave a verified, unexpired approval of a role for a stage (the version's creator
# excluded).
approvers_of(approvals, stage, role, creators) := {a.actor |
	some a in approvals
	a.verified == true
	a.expired == false
	a.decision == "approve"
	a.stage == stage
	a.role == role
	not a.actor in creators
}

# A set of the required roles, each approved by someone, that fewer different people than
# roles approved (Hall's condition fails): no assignment gives every role its own person.
# The subsets are enumerated as bit masks over the sorted roles (at most 16 roles: more is
# refused by the gates as too many to check).
roles_sharing_people(approvals, stage, roles, creators) := shared if {
	ordered := sort({r | some r in roles})
	n := count(ordered)
	n > 0
	n <= 16
	by_role := {r: approvers_of(approvals, stage, r, creators) | some r in ordered}
	shared := {subset |
		some mask in numbers.range(1, bits.lsh(1, n) - 1)
		subset := {ordered[i] | some i in numbers.range(0, n - 1); bits.and(mask, bits.lsh(1, i)) != 0}
		every r in subset {
			count(by_role[r]) > 0
		}
		people := {p | some r in subset; some p in by_role[r]}
		count(people) < count(subset)
	}
}

roles_sharing_people(_, _, roles, _) := set() if count({r | some r in roles}) == 0
