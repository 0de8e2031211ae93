//! The REPL's rustyline helper: Tab completion and the dimmed hint from the
//! [`Vocabulary`], and the coloured prompt.

use std::borrow::Cow;

use rustyline::completion::Completer;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use super::complete::Vocabulary;
use crate::render::Style;

pub struct ReplHelper {
    vocabulary: Vocabulary,
    /// Colours of the prompt and the hint (rustyline also turns them off
    /// itself when the terminal cannot show them).
    style: Style,
}

impl ReplHelper {
    pub fn new(vocabulary: Vocabulary, style: Style) -> ReplHelper {
        ReplHelper { vocabulary, style }
    }
}

impl Completer for ReplHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.vocabulary.complete(line, pos))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        self.vocabulary.hint(line, pos)
    }
}

impl Highlighter for ReplHelper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        default: bool,
    ) -> Cow<'b, str> {
        // `default` is false for rustyline's own prompts (reverse search).
        if default && self.style.color {
            Cow::Owned(self.style.bold(&self.style.cyan(prompt)))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.style.color {
            Cow::Owned(self.style.dim(hint))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

/// Enter on a line that leaves a JSON body open (a pasted multi-line `-d`
/// body) keeps reading, as a shell does inside quotes.
impl Validator for ReplHelper {
    fn validate(
        &self,
        ctx: &mut rustyline::validate::ValidationContext,
    ) -> rustyline::Result<rustyline::validate::ValidationResult> {
        use rustyline::validate::ValidationResult;
        let input = ctx.input();
        if crate::command::incomplete(input) && input.len() < crate::command::MAX_COMMAND {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Helper for ReplHelper {}
