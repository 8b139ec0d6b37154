//! The audit report in Markdown and self-contained HTML.

pub mod html;
pub mod markdown;
