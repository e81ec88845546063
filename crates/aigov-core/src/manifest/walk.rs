//! Finding the files of a model the way `model_signing` does.

use std::fs;
use std::path::{Path, PathBuf};

use crate::CoreError;

/// A regular file of the model, with its path relative to the root split into components.
#[derive(Debug, Clone)]
pub(super) struct ModelFile {
    /// Components of the POSIX path relative to the root; empty for a single-file model.
    pub components: Vec<String>,
    /// Where to read it.
    pub path: PathBuf,
    /// Its size when it was found.
    pub size: u64,
}

impl ModelFile {
    /// The POSIX relative path, `.` for a single-file model (as `Path.relative_to` gives).
    pub fn name(&self) -> String {
        if self.components.is_empty() {
            ".".to_string()
        } else {
            self.components.join("/")
        }
    }
}

/// Options that decide which files are part of the model.
pub(super) struct WalkRules<'a> {
    pub allow_symlinks: bool,
    /// Ignored paths relative to the root, split into components.
    pub ignored: &'a [Vec<String>],
}

impl WalkRules<'_> {
    fn is_ignored(&self, components: &[String]) -> bool {
        self.ignored
            .iter()
            .any(|ignored| components.starts_with(ignored))
    }
}

/// Lists the model's files. A directory symlink is never descended into (as Python's
/// `Path.glob("**/*")` does not), a file symlink is followed only when allowed.
pub(super) fn model_files(root: &Path, rules: &WalkRules<'_>) -> Result<Vec<ModelFile>, CoreError> {
    let meta = fs::symlink_metadata(root).map_err(|e| CoreError::io(root, e))?;
    if meta.file_type().is_symlink() && !rules.allow_symlinks {
        return Err(CoreError::SymlinkRefused {
            path: root.to_path_buf(),
        });
    }
    let target = fs::metadata(root).map_err(|e| CoreError::io(root, e))?;
    let mut files = Vec::new();
    if target.is_file() {
        files.push(ModelFile {
            components: Vec::new(),
            path: root.to_path_buf(),
            size: target.len(),
        });
    } else if target.is_dir() {
        walk_dir(root, &mut Vec::new(), rules, &mut files)?;
    } else {
        return Err(not_file_or_dir(root));
    }
    Ok(files)
}

fn not_file_or_dir(path: &Path) -> CoreError {
    CoreError::invalid(
        "model path",
        format!(
            "{} is neither a regular file nor a directory",
            path.display()
        ),
    )
}

fn walk_dir(
    dir: &Path,
    prefix: &mut Vec<String>,
    rules: &WalkRules<'_>,
    out: &mut Vec<ModelFile>,
) -> Result<(), CoreError> {
    let entries = fs::read_dir(dir).map_err(|e| CoreError::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| CoreError::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name().into_string().map_err(|raw| {
            CoreError::invalid(
                "model path",
                format!("{} has a name that is not UTF-8: {raw:?}", dir.display()),
            )
        })?;
        prefix.push(name);
        let result = visit(&path, prefix, rules, out);
        prefix.pop();
        result?;
    }
    Ok(())
}

fn visit(
    path: &Path,
    components: &mut Vec<String>,
    rules: &WalkRules<'_>,
    out: &mut Vec<ModelFile>,
) -> Result<(), CoreError> {
    // Ignored trees (.git above all) are skipped whole rather than walked.
    if rules.is_ignored(components) {
        return Ok(());
    }
    let meta = fs::symlink_metadata(path).map_err(|e| CoreError::io(path, e))?;
    let file_type = meta.file_type();
    if file_type.is_symlink() {
        if !rules.allow_symlinks {
            return Err(CoreError::SymlinkRefused {
                path: path.to_path_buf(),
            });
        }
        let target = fs::metadata(path).map_err(|e| CoreError::io(path, e))?;
        if target.is_file() {
            out.push(ModelFile {
                components: components.clone(),
                path: path.to_path_buf(),
                size: target.len(),
            });
        } else if !target.is_dir() {
            return Err(not_file_or_dir(path));
        }
        Ok(())
    } else if file_type.is_dir() {
        walk_dir(path, components, rules, out)
    } else if file_type.is_file() {
        out.push(ModelFile {
            components: components.clone(),
            path: path.to_path_buf(),
            size: meta.len(),
        });
        Ok(())
    } else {
        Err(not_file_or_dir(path))
    }
}
