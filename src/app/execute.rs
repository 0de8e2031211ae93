//! Executing an explicit endpoint: plan, pipeline, client, render.

use super::{App, AppError, Status};
use crate::command::Options;
use crate::console::Console;
use crate::render::View;
use crate::spec::{Method, Spec};

pub async fn explicit(
    _app: &mut App,
    _spec: &Spec,
    _method: Option<Method>,
    _path: &str,
    _items: Vec<String>,
    _options: &Options,
    _console: &mut dyn Console,
) -> Result<(View, Status), AppError> {
    Err(AppError::Failed(
        "executing requests is not built yet; add `help` to see the endpoint".into(),
    ))
}
