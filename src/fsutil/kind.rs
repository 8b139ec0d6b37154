//! What a path that is not a regular file is, in words, so that an error about a
//! directory or a named pipe does not claim the file "does not exist".

use std::fs::Metadata;

/// `None` for a regular file; otherwise what the path is, with its article ("a
/// directory", "a FIFO (named pipe)", ...). Symlinks are expected to be followed
/// already (`std::fs::metadata`).
pub fn not_a_file(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_kind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        std::fs::write(&file, "x").expect("write");
        let kind = |p: &std::path::Path| not_a_file(&std::fs::metadata(p).expect("meta"));
        assert_eq!(kind(&file), None);
        assert_eq!(kind(dir.path()), Some("a directory"));
        #[cfg(unix)]
        assert_eq!(
            kind(std::path::Path::new("/dev/null")),
            Some("a character device")
        );
    }
}
