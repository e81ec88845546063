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
