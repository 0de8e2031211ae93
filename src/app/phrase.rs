//! Words that are not an explicit endpoint: a tag name to browse, or plain
//! English to route.

use super::{App, AppError, Status};
use crate::command::Options;
use crate::console::Console;
use crate::render::{View, browse};
use crate::spec::{Spec, TagMatch};

pub async fn run(
    _app: &mut App,
    spec: &Spec,
    text: &str,
    _help: bool,
    _options: &Options,
    console: &mut dyn Console,
) -> Result<(View, Status), AppError> {
    let style = console.out_style();
    match spec.find_tag(text) {
        TagMatch::Found(tag) => Ok((browse::tag(spec, tag, style), Status::Ok)),
        TagMatch::Suggestions(tags) => {
            let ops = spec.closest_endpoints(None, text, 3);
            let view = browse::suggestions(spec, text, &tags, &ops, style);
            Ok((view, Status::Failed))
        }
    }
}
