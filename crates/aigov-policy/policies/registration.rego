# Registration gate: lineage complete, SBOM present, name and owner set.
package aigov.gates.registration

import data.aigov.lib
import rego.v1

default allow := false

allow if count(deny) == 0

deny contains {"code": "missing_name", "msg": "the model has no name"} if not lib.non_empty(input.model.name)

deny contains {"code": "missing_owner", "msg": "the model has no owner"} if not lib.non_empty(input.model.owner)

deny contains {"code": "missing_dataset", "msg": "no training dataset is recorded"} if {
	not has_dataset
}

has_dataset if count(input.lineage.datasets) > 0

deny contains {"code": "dataset_without_digest", "msg": sprintf("dataset %v has no digest", [d.name])} if {
	some d in input.lineage.datasets
	not lib.non_empty(d.digest)
}

deny contains {"code": "missing_commit", "msg": "the training code's commit is not recorded"} if {
	not lib.non_empty(input.lineage.code_commit)
}

deny contains {"code": "missing_sbom", "msg": "no SBOM is attached"} if not lib.non_empty(input.lineage.sbom)

warn contains {"code": "high_risk", "msg": "high-risk model: Annex IV documentation is required"} if {
	input.model.risk_class == "high"
}
