//! Build tasks for Sarafan: `cargo run -p xtask -- <build|run|dist|watch>`.
//!
//! This replaces cargo-leptos, which takes ~19 minutes to compile and install here. The
//! browser bundle is produced with `wasm-bindgen` used as a *library*
//! (`wasm-bindgen-cli-support`, pinned to the same version as the `wasm-bindgen` crate), so a
//! fresh machine needs nothing but rustup/cargo: no CLI downloads, no version mismatches.
//!
//! `wasm-opt` is optional: if `node_modules/.bin/wasm-opt` (`npm install binaryen@132`) or a
//! `wasm-opt` on `PATH` is found, release bundles are shrunk with `-Oz`; otherwise the bundle
//! is just bigger. Binaryen older than 116 (e.g. Debian's 108) is skipped: its output fails to
//! hydrate.
//!
//! Output layout (what Leptos' `HydrationScripts` and the server expect):
//! `target/site/pkg/sarafan.js`, `target/site/pkg/sarafan_bg.wasm`,
//! `target/site/pkg/sarafan.css`, plus everything from `public/` in `target/site/`, and the
//! camera's QR decoder `target/site/pkg/scanner.js` + `scanner_bg.wasm` (the `scanner` crate,
//! fetched by `public/scan.js` only when a camera opens).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};

const USAGE: &str = "\
usage: cargo run -p xtask -- <command>

commands:
  build [--dev]                    browser bundle into target/site + server binary
  bundle [--dev]                   the browser bundle alone (target/site)
  run [--dev] [-- <sarafan args>]  build, then run the server with SARAFAN_SITE_ROOT=target/site
  dist [DIR]                       release build copied to DIR (default <workspace>/dist): DIR/sarafan, DIR/site
  watch [-- <sarafan args>]        dev build + server, rebuilt and restarted when sources change
  test [--release] [--engine E] [--no-browser]
                                   the whole suite: unit and HTTP integration tests on SQLite and
                                   PostgreSQL (E = all (default) | sqlite | postgres), then the
                                   browser tests in headless Chromium against a dev build (the
                                   server the integration tests already built); --release: against
                                   a release build, with its page-weight figures (slower to make)";

/// Directories (relative to the workspace root) whose changes trigger a rebuild in `watch`.
const WATCHED: &[&str] = &[
    "app/src",
    "domain/src",
    "scanner/src",
    "server/src",
    "style",
    "public",
    "migrations",
];

/// The first `wasm-opt` (binaryen) version whose output hydrates correctly.
const MIN_WASM_OPT_VERSION: u32 = 116;

/// The version of `wasm-bindgen-cli-support` (pinned in Cargo.toml, equal to the app's
/// `wasm-bindgen`): part of what a cached bundle was made with.
const WASM_BINDGEN: &str = "0.2.130";

fn main() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::FAILURE);
    };
    let ws = Workspace::locate()?;
    match cmd.as_str() {
        "build" => {
            let (mode, extra) = parse_mode(rest)?;
            no_extra(&extra)?;
            ws.build(mode)?;
            Ok(ExitCode::SUCCESS)
        }
        "bundle" => {
            let (mode, extra) = parse_mode(rest)?;
            no_extra(&extra)?;
            ws.build_parts(mode, false)?;
            Ok(ExitCode::SUCCESS)
        }
        "run" => {
            let (mode, extra) = parse_mode(rest)?;
            let server_args = passthrough(&extra)?;
            ws.build(mode)?;
            ws.run(mode, &server_args)
        }
        "dist" => {
            let dir = match rest {
                [] => ws.root.join("dist"),
                [dir] if !dir.starts_with('-') => PathBuf::from(dir),
                _ => bail!("`dist` takes one optional directory\n\n{USAGE}"),
            };
            ws.dist(&dir)?;
            Ok(ExitCode::SUCCESS)
        }
        "watch" => {
            let server_args = passthrough(rest)?;
            ws.watch(&server_args)
        }
        "test" => {
            let opts = TestOptions::parse(rest)?;
            ws.test(&opts)?;
            Ok(ExitCode::SUCCESS)
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// Splits off a leading `--dev` flag; returns the remaining arguments.
fn parse_mode(args: &[String]) -> Result<(Mode, Vec<String>)> {
    let mut mode = Mode::Release;
    let mut rest = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--dev" => mode = Mode::Dev,
            "--release" => mode = Mode::Release,
            "--" => {
                rest.push(arg.clone());
                rest.extend(iter.by_ref().cloned());
            }
            other => bail!("unexpected argument `{other}`\n\n{USAGE}"),
        }
    }
    Ok((mode, rest))
}

fn no_extra(args: &[String]) -> Result<()> {
    if args.is_empty() {
        Ok(())
    } else {
        bail!("unexpected arguments {args:?}\n\n{USAGE}")
    }
}

/// Arguments after `--`, for the server binary.
fn passthrough(args: &[String]) -> Result<Vec<String>> {
    match args.split_first() {
        None => Ok(Vec::new()),
        Some((first, rest)) if first == "--" => Ok(rest.to_vec()),
        Some((first, _)) => bail!("unexpected argument `{first}` (server arguments go after `--`)"),
    }
}

/// What `test` runs.
struct TestOptions {
    mode: Mode,
    sqlite: bool,
    postgres: bool,
    browser: bool,
}

impl TestOptions {
    fn parse(args: &[String]) -> Result<TestOptions> {
        let mut opts = TestOptions {
            mode: Mode::Dev,
            sqlite: true,
            postgres: true,
            browser: true,
        };
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            match arg.as_str() {
                "--dev" => opts.mode = Mode::Dev,
                "--release" => opts.mode = Mode::Release,
                "--no-browser" => opts.browser = false,
                "--engine" => match iter.next().map(String::as_str) {
                    Some("all") => (opts.sqlite, opts.postgres) = (true, true),
                    Some("sqlite") => (opts.sqlite, opts.postgres) = (true, false),
                    Some("postgres") => (opts.sqlite, opts.postgres) = (false, true),
                    other => bail!("`--engine` takes all, sqlite or postgres, not {other:?}"),
                },
                other => bail!("unexpected argument `{other}`\n\n{USAGE}"),
            }
        }
        Ok(opts)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Dev,
    Release,
}

impl Mode {
    /// Cargo profile of the WASM build.
    fn wasm_profile(self) -> &'static str {
        match self {
            Mode::Dev => "dev",
            Mode::Release => "wasm-release",
        }
    }

    /// Directory under `target/wasm32-unknown-unknown/` for [`Mode::wasm_profile`].
    fn wasm_profile_dir(self) -> &'static str {
        match self {
            Mode::Dev => "debug",
            Mode::Release => "wasm-release",
        }
    }

    /// Directory under `target/` holding the server binary.
    fn server_profile_dir(self) -> &'static str {
        match self {
            Mode::Dev => "debug",
            Mode::Release => "release",
        }
    }
}

struct Workspace {
    root: PathBuf,
    target: PathBuf,
    cargo: OsString,
}

impl Workspace {
    fn locate() -> Result<Workspace> {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest_dir
            .parent()
            .context("xtask's manifest directory has no parent")?
            .to_path_buf();
        // Honour CARGO_TARGET_DIR like cargo does (relative paths are relative to the cwd).
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => std::path::absolute(dir)?,
            _ => root.join("target"),
        };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        Ok(Workspace {
            root,
            target,
            cargo,
        })
    }

    fn site(&self) -> PathBuf {
        self.target.join("site")
    }

    fn server_binary(&self, mode: Mode) -> PathBuf {
        self.target
            .join(mode.server_profile_dir())
            .join(format!("sarafan{}", std::env::consts::EXE_SUFFIX))
    }

    /// A `cargo` command without the variables `cargo run` set for xtask itself
    /// (`CARGO_PKG_NAME=xtask`, `CARGO_MANIFEST_DIR`, …). Build scripts such as ring's rerun
    /// when those change, so a build started here would otherwise not reuse one started by
    /// hand (and the other way round): ring, then everything above it, compiled again.
    fn cargo_command(&self) -> Command {
        let mut cmd = Command::new(&self.cargo);
        for (key, _) in std::env::vars_os() {
            let key_str = key.to_string_lossy();
            if key_str.starts_with("CARGO_PKG_")
                || key_str.starts_with("CARGO_CRATE_")
                || key_str.starts_with("CARGO_BIN_")
                || key_str.starts_with("CARGO_MANIFEST_")
                || key_str == "CARGO_PRIMARY_PACKAGE"
            {
                cmd.env_remove(&key);
            }
        }
        cmd
    }

    fn cargo(&self, args: &[&str]) -> Result<()> {
        self.cargo_env(args, &[])
    }

    fn build(&self, mode: Mode) -> Result<()> {
        self.build_parts(mode, true)
    }

    /// Builds the bundle and, when `server` is set, the server binary.
    ///
    /// A release server is built alongside the bundle, in a second cargo: its ~700 crates keep
    /// both cores busy, and fill the time the bundle's steps leave one of them idle (the app's
    /// WASM is one codegen unit under fat LTO; wasm-opt and brotli's best run on one thread).
    /// The two don't wait for each other: cargo locks a build directory per profile, and the
    /// bundle's profile (`wasm-release`) is not the server's (`release`). A dev server shares
    /// the dev profile's directory with the dev bundle, so it is built after it.
    fn build_parts(&self, mode: Mode, server: bool) -> Result<()> {
        let started = Instant::now();
        let server_args: &[&str] = match mode {
            Mode::Release => &["build", "-p", "server", "--bin", "sarafan", "--release"],
            Mode::Dev => &["build", "-p", "server", "--bin", "sarafan"],
        };
        let alongside = server && mode == Mode::Release;
        let mut server_build = None;
        if alongside {
            println!("xtask: server (alongside the bundle)…");
            let child = self
                .cargo_command()
                .args(server_args)
                // Two cargo progress bars on one terminal overwrite each other's line.
                .env("CARGO_TERM_PROGRESS_WHEN", "never")
                .current_dir(&self.root)
                .spawn()
                .with_context(|| format!("cannot run {}", self.cargo.to_string_lossy()))?;
            server_build = Some(KillOnDrop(child));
        }
        let bundle = self.build_bundle(mode, alongside);
        if let Some(mut child) = server_build {
            if bundle.is_err() {
                // Dropping the child stops the server build: the bundle failed anyway.
                drop(child);
                return bundle;
            }
            let status = child
                .0
                .wait()
                .context("cannot wait for the server's cargo")?;
            if !status.success() {
                bail!("`cargo {}` failed ({status})", server_args.join(" "));
            }
            println!(
                "xtask: server done, {:.1?} after the start",
                started.elapsed()
            );
        }
        bundle?;
        if server && !alongside {
            step("server", || self.cargo(server_args))?;
        }

        let site = self.site();
        let pkg = site.join("pkg");
        let wasm = pkg.join("sarafan_bg.wasm");
        let js = pkg.join("sarafan.js");
        let scanner = pkg.join("scanner_bg.wasm");
        println!(
            "xtask: built in {:.1?}: {} ({}), {} ({}), {} ({}), {}",
            started.elapsed(),
            wasm.display(),
            size(&wasm),
            js.display(),
            size(&js),
            scanner.display(),
            size(&scanner),
            self.server_binary(mode).display(),
        );
        Ok(())
    }

    /// The browser bundle into `target/site`: the app's WASM, wasm-bindgen and wasm-opt, the
    /// camera's decoder, the assets, precompressed. `quiet_progress` when a server build runs
    /// alongside (see [`Workspace::build_parts`]).
    fn build_bundle(&self, mode: Mode, quiet_progress: bool) -> Result<()> {
        let progress: &[(&str, &str)] = if quiet_progress {
            &[("CARGO_TERM_PROGRESS_WHEN", "never")]
        } else {
            &[]
        };
        step("wasm32 target", ensure_wasm_target)?;

        // `cargo rustc --crate-type cdylib`: only the browser build links the app as a cdylib.
        // Declared in app/Cargo.toml it would also be linked for the server (a shared object
        // of the whole app nobody loads) and would keep cargo from starting the server crate
        // on the app's metadata: the release server built 2–3 minutes longer that way.
        step("app (wasm)", || {
            self.cargo_env(
                &[
                    "rustc",
                    "-p",
                    "app",
                    "--lib",
                    "--crate-type",
                    "cdylib",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--no-default-features",
                    "--features",
                    "hydrate",
                    "--profile",
                    mode.wasm_profile(),
                ],
                progress,
            )
        })?;

        let site = self.site();
        let pkg = site.join("pkg");

        if mode == Mode::Release && find_in_path("npm").is_some() {
            // npm is optional: with it, the pinned binaryen from package-lock.json shrinks the
            // bundle; without it the build goes on unoptimised.
            if let Err(e) = self.npm_ci() {
                println!("xtask: note: {e:#}; going on without the node tools");
            }
        }

        step("app bundle (wasm-bindgen, wasm-opt)", || {
            let input = self
                .target
                .join("wasm32-unknown-unknown")
                .join(mode.wasm_profile_dir())
                .join("app.wasm");
            let out = self.target.join("bundle").join(mode.wasm_profile_dir());
            self.bindgen(&input, &out, "sarafan", mode == Mode::Release)?;
            // Start from a clean site so removed assets and stale snippets don't linger.
            if site.exists() {
                fs::remove_dir_all(&site)
                    .with_context(|| format!("cannot remove {}", site.display()))?;
            }
            copy_dir(&out, &pkg)
        })?;

        step("scanner (wasm)", || self.build_scanner(&pkg, progress))?;

        step("assets", || {
            let css = self.root.join("style/main.css");
            let out = pkg.join("sarafan.css");
            if css.exists() {
                fs::copy(&css, &out).with_context(|| format!("cannot copy {}", css.display()))?;
            } else {
                fs::write(&out, "")?;
            }
            let public = self.root.join("public");
            if public.is_dir() {
                copy_dir(&public, &site)?;
            }
            stamp_service_worker(&site)
        })?;

        step("precompress (.br, .gz)", || self.precompress(&pkg, mode))
    }

    /// The camera's QR decoder (`scanner/`): a .wasm of its own that `public/scan.js` fetches
    /// only when a camera opens, where the browser has no `BarcodeDetector`. Always built with
    /// the size-optimised profile (it is small, and the tests should see what phones get);
    /// bindgen and wasm-opt run into `target/scanner/` only when cargo produced a new .wasm, and
    /// their output is copied into the site (which the app's step has just emptied).
    fn build_scanner(&self, pkg: &Path, env: &[(&str, &str)]) -> Result<()> {
        let profile = Mode::Release;
        self.cargo_env(
            &[
                "build",
                "-p",
                "scanner",
                "--lib",
                "--target",
                "wasm32-unknown-unknown",
                "--profile",
                profile.wasm_profile(),
            ],
            env,
        )?;
        let input = self
            .target
            .join("wasm32-unknown-unknown")
            .join(profile.wasm_profile_dir())
            .join("scanner.wasm");
        let out = self.target.join("scanner");
        self.bindgen(&input, &out, "scanner", true)?;
        fs::create_dir_all(pkg).with_context(|| format!("cannot create {}", pkg.display()))?;
        for f in ["scanner.js", "scanner_bg.wasm"] {
            fs::copy(out.join(f), pkg.join(f))
                .with_context(|| format!("cannot copy {f} into {}", pkg.display()))?;
        }
        Ok(())
    }

    /// wasm-bindgen, then wasm-opt when `optimise`, of the .wasm `input` into the directory
    /// `out` (`{name}.js`, `{name}_bg.wasm`, any snippets). Skipped when `out` was made from the
    /// same .wasm (by content) with the same tools: a restart with no change costs a hash, not
    /// the minute wasm-opt takes. What `out` was made from is kept in `out.key`, written last.
    fn bindgen(&self, input: &Path, out: &Path, name: &str, optimise: bool) -> Result<()> {
        let bytes = fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
        let optimiser = if optimise {
            match self.wasm_opt_tool() {
                Some((bin, version)) => format!("wasm-opt {version} ({})", bin.display()),
                None => "no wasm-opt".into(),
            }
        } else {
            "not optimised".into()
        };
        let key = format!(
            "{} {name} wasm-bindgen {WASM_BINDGEN} {optimiser}\n",
            sha256_hex(&bytes)
        );
        let key_file = out.with_extension("key");
        let made = [format!("{name}.js"), format!("{name}_bg.wasm")];
        if fs::read_to_string(&key_file).is_ok_and(|k| k == key)
            && made.iter().all(|f| out.join(f).is_file())
        {
            println!("xtask: {name}: the .wasm is unchanged, bindgen and wasm-opt skipped");
            return Ok(());
        }
        let _ = fs::remove_file(&key_file);
        if out.exists() {
            fs::remove_dir_all(out).with_context(|| format!("cannot remove {}", out.display()))?;
        }
        wasm_bindgen_cli_support::Bindgen::new()
            .input_bytes(name, bytes)
            .web(true)?
            .out_name(name)
            .typescript(false)
            .generate(out)
            .with_context(|| format!("wasm-bindgen failed on {}", input.display()))?;
        if optimise {
            self.wasm_opt(&out.join(format!("{name}_bg.wasm")))?;
        }
        fs::write(&key_file, key).with_context(|| format!("cannot write {}", key_file.display()))
    }

    /// Writes `.br` and `.gz` beside every JS, WASM and CSS file in `pkg` (served as they are by
    /// the server: nothing is compressed per request). Compressing is slow (brotli's best takes
    /// seconds on the bundle), so each result is kept in `target/compressed/{profile}/` under
    /// the hash of what it compresses and reused while that file does not change; entries no
    /// longer used are removed. Dev builds compress faster and a little less.
    fn precompress(&self, pkg: &Path, mode: Mode) -> Result<()> {
        let cache = self.target.join("compressed").join(mode.wasm_profile_dir());
        fs::create_dir_all(&cache).with_context(|| format!("cannot create {}", cache.display()))?;
        let (brotli_quality, gzip_level) = match mode {
            Mode::Release => (11, 9),
            Mode::Dev => (5, 6),
        };
        // What to write: each compressible file once per encoding, unless the cache has it.
        let mut used = std::collections::HashSet::new();
        let mut copies = Vec::new();
        let mut jobs = Vec::new();
        for entry in fs::read_dir(pkg).with_context(|| format!("cannot read {}", pkg.display()))? {
            let path = entry?.path();
            let compressible = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "js" | "wasm" | "css"));
            if !compressible || !path.is_file() {
                continue;
            }
            let bytes = std::sync::Arc::new(
                fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
            );
            let hash = sha256_hex(&bytes);
            for (ext, compress) in [
                ("br", Compression::Brotli(brotli_quality)),
                ("gz", Compression::Gzip(gzip_level)),
            ] {
                let cached = cache.join(format!("{hash}.{ext}"));
                used.insert(cached.clone());
                if !cached.is_file() {
                    jobs.push((bytes.clone(), compress, cached.clone()));
                }
                let mut beside = path.clone().into_os_string();
                beside.push(format!(".{ext}"));
                copies.push((cached, PathBuf::from(beside)));
            }
        }
        let (made, reused) = (jobs.len(), copies.len() - jobs.len());
        // On every core, biggest first: brotli's best quality on the bundle is most of the work.
        jobs.sort_by_key(|(bytes, compress, _)| {
            std::cmp::Reverse((matches!(compress, Compression::Brotli(_)), bytes.len()))
        });
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::thread::scope(|scope| -> Result<()> {
            let handles: Vec<_> = (0..workers.min(jobs.len()))
                .map(|_| {
                    scope.spawn(|| -> Result<()> {
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((bytes, compress, cached)) = jobs.get(i) else {
                                return Ok(());
                            };
                            let mut tmp = cached.clone().into_os_string();
                            tmp.push(".tmp");
                            let tmp = PathBuf::from(tmp);
                            fs::write(&tmp, compress.apply(bytes)?)
                                .with_context(|| format!("cannot write {}", tmp.display()))?;
                            fs::rename(&tmp, cached)?;
                        }
                    })
                })
                .collect();
            for handle in handles {
                handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("a compressing thread panicked"))??;
            }
            Ok(())
        })?;
        for (cached, beside) in &copies {
            fs::copy(cached, beside)
                .with_context(|| format!("cannot copy {}", cached.display()))?;
        }
        for entry in fs::read_dir(&cache)? {
            let path = entry?.path();
            if !used.contains(&path) {
                let _ = fs::remove_file(&path);
            }
        }
        println!("xtask: {made} compressed files written, {reused} unchanged ones reused");
        Ok(())
    }

    /// The whole test suite, engine by engine, then the browser.
    fn test(&self, opts: &TestOptions) -> Result<()> {
        let started = Instant::now();
        let mut summary = Vec::new();
        step("test tools", || ensure_test_tools(opts.browser))?;
        if opts.sqlite {
            // Unit tests of every crate, then the HTTP integration tests, on SQLite.
            step("tests on SQLite", || {
                self.cargo_env(
                    &[
                        "test", "-p", "domain", "-p", "print", "-p", "app", "-p", "server", "-p",
                        "xtask", "-p", "scanner",
                    ],
                    &[("SARAFAN_TEST_DATABASE", "sqlite")],
                )
            })?;
            summary.push("SQLite: unit, PDF and integration tests passed");
        }
        if opts.postgres {
            // The same integration tests on PostgreSQL; an unreachable server fails them. The
            // same packages as above, so cargo unifies the same features and builds nothing anew.
            step("tests on PostgreSQL", || {
                self.cargo_env(
                    &[
                        "test", "-p", "domain", "-p", "print", "-p", "app", "-p", "server", "-p",
                        "xtask", "-p", "scanner", "--test", "api",
                    ],
                    &[("SARAFAN_TEST_DATABASE", "postgres")],
                )
            })?;
            summary.push("PostgreSQL: integration tests passed");
        }
        if opts.browser {
            step("node tools", || self.npm_ci())?;
            // The integration tests above built the dev server binary (cargo builds a package's
            // binaries for its integration tests): a dev run builds only the bundle.
            let server_built = opts.mode == Mode::Dev
                && (opts.sqlite || opts.postgres)
                && self.server_binary(Mode::Dev).exists();
            self.build_parts(opts.mode, !server_built)?;
            step("browser tests", || {
                let chromium =
                    std::env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into());
                if !Path::new(&chromium).exists() {
                    bail!(
                        "Chromium not found at {} (install Debian's: `apt-get install chromium`, or set CHROMIUM)",
                        Path::new(&chromium).display()
                    );
                }
                let status = Command::new("node")
                    .args(["--test", "--test-concurrency=1", "tests/browser/"])
                    .current_dir(&self.root)
                    .env("SARAFAN_BIN", self.server_binary(opts.mode))
                    .env("SARAFAN_SITE_ROOT", self.site())
                    .env("CHROMIUM", &chromium)
                    .env(
                        "SARAFAN_BUILD",
                        if opts.mode == Mode::Dev {
                            "dev"
                        } else {
                            "release"
                        },
                    )
                    .status()
                    .context("cannot run node (install Node.js 20+)")?;
                if !status.success() {
                    bail!(
                        "browser tests failed ({status}); screenshots in target/browser-screenshots"
                    );
                }
                Ok(())
            })?;
            summary.push("browser tests passed (screenshots in target/browser-screenshots)");
        }
        println!("xtask: all tests passed in {:.0?}:", started.elapsed());
        for line in summary {
            println!("  - {line}");
        }
        Ok(())
    }

    fn cargo_env(&self, args: &[&str], env: &[(&str, &str)]) -> Result<()> {
        let status = self
            .cargo_command()
            .args(args)
            .envs(env.iter().copied())
            .current_dir(&self.root)
            .status()
            .with_context(|| format!("cannot run {}", self.cargo.to_string_lossy()))?;
        if !status.success() {
            bail!("`cargo {}` failed ({status})", args.join(" "));
        }
        Ok(())
    }

    /// Installs the pinned node tools (playwright-core, binaryen) from package-lock.json.
    fn npm_ci(&self) -> Result<()> {
        let lock = self.root.join("package-lock.json");
        let marker = self.root.join("node_modules/.package-lock.json");
        let fresh = match (fs::metadata(&lock), fs::metadata(&marker)) {
            (Ok(l), Ok(m)) => m.modified()? >= l.modified()?,
            _ => false,
        };
        if fresh {
            return Ok(());
        }
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&self.root)
            .status()
            .context("cannot run npm (install Node.js 20+ with npm)")?;
        if !status.success() {
            bail!("`npm ci` failed ({status})");
        }
        Ok(())
    }

    /// binaryen's `wasm-opt` and its version, if a usable one is installed (a note otherwise).
    fn wasm_opt_tool(&self) -> Option<(PathBuf, u32)> {
        let local = self
            .root
            .join("node_modules/.bin")
            .join(format!("wasm-opt{}", std::env::consts::EXE_SUFFIX));
        let Some(bin) = Some(local)
            .filter(|p| p.is_file())
            .or_else(|| find_in_path("wasm-opt"))
        else {
            println!(
                "xtask: note: no wasm-opt found, the bundle is unoptimised (bigger); \
                 `npm install binaryen@132` in the workspace root to fix"
            );
            return None;
        };
        let version = Command::new(&bin)
            .arg("--version")
            .output()
            .ok()
            .and_then(|out| parse_wasm_opt_version(&String::from_utf8_lossy(&out.stdout)));
        match version {
            Some(v) if v >= MIN_WASM_OPT_VERSION => Some((bin, v)),
            Some(v) => {
                println!(
                    "xtask: note: skipping {} (binaryen {v} < {MIN_WASM_OPT_VERSION} breaks \
                     hydration), the bundle is unoptimised; `npm install binaryen@132` to fix",
                    bin.display()
                );
                None
            }
            None => {
                println!(
                    "xtask: note: skipping {} (unknown version), the bundle is unoptimised",
                    bin.display()
                );
                None
            }
        }
    }

    /// Shrinks the bundle with binaryen's `wasm-opt`, if a usable one is installed.
    fn wasm_opt(&self, wasm: &Path) -> Result<()> {
        let Some((bin, _)) = self.wasm_opt_tool() else {
            return Ok(());
        };
        let tmp = wasm.with_extension("opt.wasm");
        // The features rustc enables by default for wasm32-unknown-unknown (Rust >= 1.87).
        let status = Command::new(&bin)
            .arg(wasm)
            .arg("-o")
            .arg(&tmp)
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
            ])
            .status()
            .with_context(|| format!("cannot run {}", bin.display()))?;
        if !status.success() {
            let _ = fs::remove_file(&tmp);
            bail!("{} failed ({status})", bin.display());
        }
        fs::rename(&tmp, wasm)?;
        Ok(())
    }

    /// Runs the built server; returns its exit code.
    fn run(&self, mode: Mode, args: &[String]) -> Result<ExitCode> {
        let mut cmd = self.server_command(mode, args);
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Replace this process: signals, stdio and the exit code go straight through.
            let err = cmd.exec();
            Err(err).with_context(|| format!("cannot run {}", self.server_binary(mode).display()))
        }
        #[cfg(not(unix))]
        {
            let status = cmd
                .status()
                .with_context(|| format!("cannot run {}", self.server_binary(mode).display()))?;
            let code = status.code().unwrap_or(1);
            Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)))
        }
    }

    fn server_command(&self, mode: Mode, args: &[String]) -> Command {
        let mut cmd = Command::new(self.server_binary(mode));
        cmd.args(args).env("SARAFAN_SITE_ROOT", self.site());
        cmd
    }

    fn dist(&self, dir: &Path) -> Result<()> {
        self.build(Mode::Release)?;
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let bin = dir.join(format!("sarafan{}", std::env::consts::EXE_SUFFIX));
        fs::copy(self.server_binary(Mode::Release), &bin)
            .with_context(|| format!("cannot copy the server to {}", bin.display()))?;
        let site = dir.join("site");
        if site.exists() {
            fs::remove_dir_all(&site)
                .with_context(|| format!("cannot remove {}", site.display()))?;
        }
        copy_dir(&self.site(), &site)?;
        println!(
            "xtask: release in {}: copy it to the server and run `{}` (it finds `site/` next to itself)",
            dir.display(),
            bin.display()
        );
        Ok(())
    }

    /// Dev build + server; on source changes: stop the server, rebuild, start it again.
    fn watch(&self, args: &[String]) -> Result<ExitCode> {
        let mut seen = self.fingerprint();
        let mut server = self.rebuild_and_start(args);
        loop {
            thread::sleep(Duration::from_secs(1));
            if let Some(child) = server.as_mut()
                && let Some(status) = child.try_wait()?
            {
                println!("xtask: server exited ({status}); waiting for changes");
                server = None;
            }
            let now = self.fingerprint();
            if now == seen {
                continue;
            }
            // Let a burst of saves settle before building.
            thread::sleep(Duration::from_millis(300));
            seen = self.fingerprint();
            println!("xtask: change detected, rebuilding");
            if let Some(mut child) = server.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
            server = self.rebuild_and_start(args);
        }
    }

    fn rebuild_and_start(&self, args: &[String]) -> Option<Child> {
        if let Err(err) = self.build(Mode::Dev) {
            eprintln!("xtask: build failed: {err:#}\nxtask: waiting for changes");
            return None;
        }
        match self.server_command(Mode::Dev, args).spawn() {
            Ok(child) => Some(child),
            Err(err) => {
                eprintln!("xtask: cannot start the server: {err}");
                None
            }
        }
    }

    /// Newest mtime and number of files under the watched directories.
    fn fingerprint(&self) -> (Option<SystemTime>, usize) {
        let mut newest = None;
        let mut count = 0;
        let mut stack: Vec<PathBuf> = WATCHED.iter().map(|d| self.root.join(d)).collect();
        while let Some(path) = stack.pop() {
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            newest = newest.max(meta.modified().ok());
            if meta.is_dir() {
                if let Ok(entries) = fs::read_dir(&path) {
                    stack.extend(entries.flatten().map(|e| e.path()));
                }
            } else {
                count += 1;
            }
        }
        (newest, count)
    }
}

/// A child process that is killed when dropped (the server build alongside the bundle, when
/// the bundle fails or xtask returns early).
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Runs one build step, printing how long it took.
fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    println!("xtask: {name}…");
    let started = Instant::now();
    f().with_context(|| format!("step `{name}` failed"))?;
    println!("xtask: {name} done in {:.1?}", started.elapsed());
    Ok(())
}

/// Installs the wasm32 target with rustup when it is missing (skipped without rustup).
fn ensure_wasm_target() -> Result<()> {
    const TARGET: &str = "wasm32-unknown-unknown";
    let installed = match Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    {
        Ok(out) if out.status.success() => out.stdout,
        _ => {
            println!("xtask: note: rustup not usable; assuming {TARGET} is installed");
            return Ok(());
        }
    };
    if String::from_utf8_lossy(&installed)
        .lines()
        .any(|l| l.trim() == TARGET)
    {
        return Ok(());
    }
    let status = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .context("cannot run rustup")?;
    if !status.success() {
        bail!("`rustup target add {TARGET}` failed ({status})");
    }
    Ok(())
}

/// `wasm-opt version 132 (version_132)` → 132.
/// Installs what the tests need and a fresh Debian machine lacks: poppler-utils (render PDFs),
/// Chromium and Node.js (browser tests) from apt, zxing-cpp + pillow (decode QR codes) and
/// aiosmtpd (the SMTP server the e-mail tests send to) from PyPI.
/// Only as root with apt-get at hand; otherwise it says what to install.
fn ensure_test_tools(browser: bool) -> Result<()> {
    let mut packages = Vec::new();
    if find_in_path("pdftoppm").is_none() || find_in_path("pdftotext").is_none() {
        packages.push("poppler-utils");
    }
    if browser && std::env::var_os("CHROMIUM").is_none() && !Path::new("/usr/bin/chromium").exists()
    {
        packages.push("chromium");
    }
    if browser && (find_in_path("node").is_none() || find_in_path("npm").is_none()) {
        packages.extend(["nodejs", "npm"]);
    }
    if !packages.is_empty() {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        if !root || find_in_path("apt-get").is_none() {
            bail!(
                "the tests need these packages: {} (install them, e.g. `sudo apt-get install {}`)",
                packages.join(", "),
                packages.join(" ")
            );
        }
        let install = |update: bool| -> Result<bool> {
            if update {
                Command::new("apt-get").args(["update", "-qq"]).status()?;
            }
            Ok(Command::new("apt-get")
                .args(["install", "-y", "-qq"])
                .args(&packages)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()?
                .success())
        };
        if !install(false)? && !install(true)? {
            bail!("`apt-get install {}` failed", packages.join(" "));
        }
    }
    let has_decoder = |python: &str| {
        Command::new(python)
            .args(["-c", "import zxingcpp, PIL, aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has_decoder("python3") {
        let ok = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "zxing-cpp",
                "pillow",
                "aiosmtpd",
            ])
            .status()
            .context("python3 is needed to decode QR codes and receive e-mail in the tests")?
            .success();
        if !ok || !has_decoder("python3") {
            bail!(
                "cannot install the tests' Python tools: `python3 -m pip install zxing-cpp pillow aiosmtpd`"
            );
        }
    }
    Ok(())
}

/// Names the service worker's caches after the bundle's content, so every build that changes
/// the JS, WASM or CSS (or the page scripts in public/, or the camera's decoder) makes phones
/// fetch the new files (the names are not hashed).
fn stamp_service_worker(site: &Path) -> Result<()> {
    let sw = site.join("sw.js");
    let Ok(text) = fs::read_to_string(&sw) else {
        return Ok(());
    };
    // FNV-1a over the bundle: stable across builds and Rust versions, unlike DefaultHasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in [
        "pkg/sarafan.js",
        "pkg/sarafan_bg.wasm",
        "pkg/sarafan.css",
        "pkg/scanner.js",
        "pkg/scanner_bg.wasm",
        "light.js",
        "handout.js",
        "checkin.js",
        "scan.js",
    ] {
        let bytes = fs::read(site.join(path)).unwrap_or_default();
        for b in bytes {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let stamped = text.replace(
        "const VERSION = 'dev';",
        &format!("const VERSION = '{hash:016x}';"),
    );
    if stamped == text {
        bail!("public/sw.js no longer has the line `const VERSION = 'dev';` that the build stamps");
    }
    fs::write(&sw, stamped).with_context(|| format!("cannot write {}", sw.display()))
}

/// A way to compress a file for `Content-Encoding`, with its level.
enum Compression {
    Brotli(u32),
    Gzip(u32),
}

impl Compression {
    fn apply(&self, bytes: &[u8]) -> Result<Vec<u8>> {
        use std::io::Write;
        let mut out = Vec::new();
        match *self {
            Compression::Brotli(quality) => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: quality as i32,
                    lgwin: 22,
                    ..Default::default()
                };
                brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
            }
            Compression::Gzip(level) => {
                let mut enc =
                    flate2::write::GzEncoder::new(&mut out, flate2::Compression::new(level));
                enc.write_all(bytes)?;
                enc.finish()?;
            }
        }
        Ok(out)
    }
}

/// SHA-256 of `bytes` in hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_wasm_opt_version(text: &str) -> Option<u32> {
    let rest = &text[text.find("version")? + "version".len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&file))
        .find(|p| p.is_file())
}

/// Copies the contents of `from` into `to` recursively (creating `to`).
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), &dest)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn size(path: &Path) -> String {
    match fs::metadata(path) {
        Ok(meta) => format!("{:.1} KiB", meta.len() as f64 / 1024.0),
        Err(_) => "missing".into(),
    }
}
