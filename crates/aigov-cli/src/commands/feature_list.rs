//! `--features a,b,c` or `--features @FILE`: the names of a model's input features, in input
//! order, for a model file that does not name them (a plain skl2onnx export).

/// The largest names file read: a model with a million features is not a tabular model.
const MAX_FILE: u64 = 1 << 20;

/// Feature names given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureList(pub Vec<String>);

/// Parses `a,b,c`, or `@FILE` with one name a line (blank lines and `#` comments skipped).
pub fn parse_feature_list(text: &str) -> Result<FeatureList, String> {
    let names: Vec<String> = match text.strip_prefix('@') {
        Some(path) => {
            let size = std::fs::metadata(path)
                .map_err(|e| format!("{path}: {e}"))?
                .len();
            if size > MAX_FILE {
                return Err(format!(
                    "{path}: {size} bytes; a names file is at most 1 MiB"
                ));
            }
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            let content = String::from_utf8(bytes).map_err(|e| format!("{path}: {e}"))?;
            content
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect()
        }
        None => text.split(',').map(|s| s.trim().to_string()).collect(),
    };
    if names.is_empty() || names.iter().any(String::is_empty) {
        return Err(format!(
            "{text:?}: expected names separated by commas, or @FILE with one name a line"
        ));
    }
    aigov_core::check_feature_names(&names).map_err(|e| e.to_string())?;
    Ok(FeatureList(names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_a_list_or_a_file() {
        assert_eq!(parse_feature_list("a, b,c").unwrap().0, vec!["a", "b", "c"]);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("names.txt");
        std::fs::write(&file, "# input order\nurl_length\n\nnum_dots\r\n").unwrap();
        let arg = format!("@{}", file.display());
        assert_eq!(
            parse_feature_list(&arg).unwrap().0,
            vec!["url_length", "num_dots"]
        );
        assert!(parse_feature_list("a,,b").is_err());
        assert!(parse_feature_list("a,b,a").unwrap_err().contains("twice"));
        assert!(parse_feature_list("@/no/such/file").is_err());
        std::fs::write(&file, b"\xff\xfe").unwrap();
        assert!(parse_feature_list(&arg).is_err());
    }
}
