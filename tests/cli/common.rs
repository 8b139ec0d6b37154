//! A fluent builder for running flagctl in a temporary directory.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The repository root (for bundled fixtures and flags.yaml).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture file's path.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// One flagctl invocation.
pub struct Test {
    dir: TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<Vec<u8>>,
    cwd: Option<PathBuf>,
}

/// What the run produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The temporary directory the test ran in.
    pub dir: PathBuf,
}

impl Test {
    /// A run in a fresh temporary directory.
    pub fn new() -> Self {
        Test {
            dir: tempfile::tempdir().expect("tempdir"),
            args: Vec::new(),
            env: Vec::new(),
            stdin: None,
            cwd: None,
        }
    }

    /// Writes `flags.yaml` into the temporary directory.
    pub fn flags(self, text: &str) -> Self {
        self.file("flags.yaml", text)
    }

    /// Writes a file (creating parent directories) into the temporary directory.
    pub fn file(self, rel: &str, contents: impl AsRef<[u8]>) -> Self {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, contents).expect("write");
        self
    }

    /// Appends arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Feeds stdin.
    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(data.into());
        self
    }

    /// Runs from this directory instead of the temporary one.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The temporary directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs flagctl and returns its output; the temporary directory lives on in
    /// `Output::dir` only until this `Test` is dropped, so inspect files via `run_keep`.
    pub fn run(self) -> Output {
        self.run_keep().0
    }

    /// Runs flagctl, reads one byte of its stdout and closes the pipe (as `| head -c1`
    /// would), then returns its exit status and stderr. The output must be larger than
    /// a pipe buffer for the write to really fail.
    pub fn run_closing_stdout_early(self) -> (std::process::ExitStatus, String) {
        use std::io::Read;
        use std::process::{Command, Stdio};
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("flagctl"))
            .current_dir(self.cwd.as_deref().unwrap_or(self.dir.path()))
            .env_remove("FLAGCTL_FLAGS")
            .env("NO_COLOR", "1")
            .args(&self.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut byte = [0u8; 1];
        stdout.read_exact(&mut byte).expect("one byte");
        drop(stdout);
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("stderr");
        (child.wait().expect("wait"), stderr)
    }

    /// Runs flagctl and keeps the temporary directory alive.
    pub fn run_keep(self) -> (Output, TempDir) {
        let mut cmd = Command::cargo_bin("flagctl").expect("binary");
        cmd.current_dir(self.cwd.as_deref().unwrap_or(self.dir.path()))
            .env_remove("FLAGCTL_FLAGS")
            .env("NO_COLOR", "1")
            .args(&self.args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(input) = &self.stdin {
            cmd.write_stdin(input.clone());
        }
        let out = cmd.output().expect("run flagctl");
        let output = Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            dir: self.dir.path().to_path_buf(),
        };
        (output, self.dir)
    }
}

impl Output {
    /// Asserts the exit code, showing both streams on failure.
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}
