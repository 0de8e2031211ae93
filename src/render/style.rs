//! Colours, decided once per stream: `--color`, `NO_COLOR`, `CLICOLOR_FORCE`
//! and whether the stream is a terminal. ANSI codes never go into a pipe by
//! default.

use owo_colors::OwoColorize;

use crate::command::ColorChoice;
use crate::env::Env;
use crate::spec::Method;

/// What the environment says about colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColorEnv {
    pub no_color: bool,
    /// `CLICOLOR_FORCE` set and not `0`.
    pub force: bool,
    /// `TERM=dumb`.
    pub dumb: bool,
}

impl ColorEnv {
    pub fn new(env: &Env) -> ColorEnv {
        ColorEnv {
            no_color: env.get("NO_COLOR").is_some(),
            force: env.get("CLICOLOR_FORCE").is_some_and(|v| v != "0"),
            dumb: env.get("TERM") == Some("dumb"),
        }
    }
}

/// Whether colours are on for one stream, and how wide its terminal is
/// (tables fit it; a pipe has no width and gets whole cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
    pub width: Option<usize>,
}

impl Style {
    pub const PLAIN: Style = Style {
        color: false,
        width: None,
    };

    /// The same style for a terminal `width` columns wide.
    pub fn with_width(self, width: Option<usize>) -> Style {
        Style { width, ..self }
    }

    /// Decides for a stream from the flag and the environment
    /// (<https://no-color.org>, <https://bixense.com/clicolors/>).
    pub fn decide(choice: ColorChoice, is_terminal: bool, env: ColorEnv) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if env.no_color => false,
            ColorChoice::Auto if env.force => true,
            ColorChoice::Auto => is_terminal && !env.dumb,
        };
        Style { color, width: None }
    }

    fn paint(self, s: &str, f: impl Fn(&str) -> String) -> String {
        if self.color { f(s) } else { s.to_string() }
    }

    pub fn bold(self, s: &str) -> String {
        self.paint(s, |s| s.bold().to_string())
    }
    pub fn dim(self, s: &str) -> String {
        self.paint(s, |s| s.dimmed().to_string())
    }
    pub fn red(self, s: &str) -> String {
        self.paint(s, |s| s.red().bold().to_string())
    }
    pub fn yellow(self, s: &str) -> String {
        self.paint(s, |s| s.yellow().to_string())
    }
    pub fn green(self, s: &str) -> String {
        self.paint(s, |s| s.green().to_string())
    }
    pub fn cyan(self, s: &str) -> String {
        self.paint(s, |s| s.cyan().to_string())
    }
    pub fn magenta(self, s: &str) -> String {
        self.paint(s, |s| s.magenta().to_string())
    }
    /// A heading: bold and underlined.
    pub fn heading(self, s: &str) -> String {
        self.paint(s, |s| s.bold().underline().to_string())
    }

    /// An HTTP method, coloured by what it does.
    pub fn method(self, m: Method) -> String {
        let s = m.as_str();
        match m {
            Method::Get => self.green(s),
            Method::Post => self.cyan(s),
            Method::Put | Method::Patch => self.yellow(s),
            Method::Delete => self.red(s),
        }
    }
}

/// The width of text as shown: ANSI escapes take no room.
pub fn visible_width(s: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in s.chars() {
        if in_escape {
            if c.is_ascii_alphabetic() {
                in_escape = false;
            }
        } else if c == '\u{1b}' {
            in_escape = true;
        } else {
            // Display columns: a CJK character or an emoji takes two.
            width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    width
}
