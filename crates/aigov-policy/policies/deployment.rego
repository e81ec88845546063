# Deployment gate: the digest being loaded is an approved version's root digest.
package aigov.gates.deployment

import data.aigov.lib
import rego.v1

default allow := false

allow if count(deny) == 0

deny contains {"code": "missing_digest", "msg": "no digest of the artifact being loaded"} if {
	not lib.non_empty(input.loading_digest)
}

deny contains {"code": "digest_not_approved", "msg": sprintf("%v is not the root digest of any approved version", [input.loading_digest])} if {
	lib.non_empty(input.loading_digest)
	not approved
}

approved if {
	some v in input.approved_versions
	v.root == input.loading_digest
}
