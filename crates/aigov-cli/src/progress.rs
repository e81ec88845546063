//! A progress bar on stderr, only when stderr is a terminal.

use std::io::IsTerminal;

use aigov_core::manifest::HashProgress;
use indicatif::{ProgressBar, ProgressStyle};

/// A byte-count progress bar, or nothing when stderr is not a terminal.
pub struct ByteProgress(Option<ProgressBar>);

impl ByteProgress {
    /// Starts a bar labelled `label` when stderr is a terminal.
    pub fn start(label: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return ByteProgress(None);
        }
        let bar = ProgressBar::new(0);
        let style = ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(label.to_string());
        ByteProgress(Some(bar))
    }

    /// Updates the bar from a hashing progress report.
    pub fn update(&self, p: HashProgress) {
        if let Some(bar) = &self.0 {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
