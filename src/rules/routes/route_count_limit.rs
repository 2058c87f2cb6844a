use rustc_hash::FxHashSet;

use super::routes;
use crate::diagnostics::shown;
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::{declare_rule, Context};

/// AWS's default quota of routes per WebSocket API.
const MAX_ROUTES: usize = 300;

declare_rule! {
    /// ## What it does
    /// Reports a service with more than 300 distinct routes, on the route that crosses the
    /// limit. Routes whose key is a variable are not counted.
    ///
    /// ## Why is this bad?
    /// 300 routes per WebSocket API is AWS's *default* quota: unless it was raised, the deploy
    /// fails when CloudFormation creates the route beyond it. The quota can be raised per API
    /// through Service Quotas (quota code L-01C8A9E0), which is why this is only information;
    /// often one route that dispatches on a field of the message, or a second API, is the
    /// better design.
    ///
    /// With `provider.apiGateway.websocketApiId` the API is shared with other stacks and their
    /// routes count too: this rule counts only this service's routes, so the limit may be
    /// reached earlier.
    ///
    /// ## Example
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   api:
    ///     handler: handler.api
    ///     events: [
    ///       websocket: $default, websocket: r001, websocket: r002, websocket: r003, websocket: r004, websocket: r005, websocket: r006, websocket: r007, websocket: r008, websocket: r009, websocket: r010,
    ///       websocket: r011, websocket: r012, websocket: r013, websocket: r014, websocket: r015, websocket: r016, websocket: r017, websocket: r018, websocket: r019, websocket: r020,
    ///       websocket: r021, websocket: r022, websocket: r023, websocket: r024, websocket: r025, websocket: r026, websocket: r027, websocket: r028, websocket: r029, websocket: r030,
    ///       websocket: r031, websocket: r032, websocket: r033, websocket: r034, websocket: r035, websocket: r036, websocket: r037, websocket: r038, websocket: r039, websocket: r040,
    ///       websocket: r041, websocket: r042, websocket: r043, websocket: r044, websocket: r045, websocket: r046, websocket: r047, websocket: r048, websocket: r049, websocket: r050,
    ///       websocket: r051, websocket: r052, websocket: r053, websocket: r054, websocket: r055, websocket: r056, websocket: r057, websocket: r058, websocket: r059, websocket: r060,
    ///       websocket: r061, websocket: r062, websocket: r063, websocket: r064, websocket: r065, websocket: r066, websocket: r067, websocket: r068, websocket: r069, websocket: r070,
    ///       websocket: r071, websocket: r072, websocket: r073, websocket: r074, websocket: r075, websocket: r076, websocket: r077, websocket: r078, websocket: r079, websocket: r080,
    ///       websocket: r081, websocket: r082, websocket: r083, websocket: r084, websocket: r085, websocket: r086, websocket: r087, websocket: r088, websocket: r089, websocket: r090,
    ///       websocket: r091, websocket: r092, websocket: r093, websocket: r094, websocket: r095, websocket: r096, websocket: r097, websocket: r098, websocket: r099, websocket: r100,
    ///       websocket: r101, websocket: r102, websocket: r103, websocket: r104, websocket: r105, websocket: r106, websocket: r107, websocket: r108, websocket: r109, websocket: r110,
    ///       websocket: r111, websocket: r112, websocket: r113, websocket: r114, websocket: r115, websocket: r116, websocket: r117, websocket: r118, websocket: r119, websocket: r120,
    ///       websocket: r121, websocket: r122, websocket: r123, websocket: r124, websocket: r125, websocket: r126, websocket: r127, websocket: r128, websocket: r129, websocket: r130,
    ///       websocket: r131, websocket: r132, websocket: r133, websocket: r134, websocket: r135, websocket: r136, websocket: r137, websocket: r138, websocket: r139, websocket: r140,
    ///       websocket: r141, websocket: r142, websocket: r143, websocket: r144, websocket: r145, websocket: r146, websocket: r147, websocket: r148, websocket: r149, websocket: r150,
    ///       websocket: r151, websocket: r152, websocket: r153, websocket: r154, websocket: r155, websocket: r156, websocket: r157, websocket: r158, websocket: r159, websocket: r160,
    ///       websocket: r161, websocket: r162, websocket: r163, websocket: r164, websocket: r165, websocket: r166, websocket: r167, websocket: r168, websocket: r169, websocket: r170,
    ///       websocket: r171, websocket: r172, websocket: r173, websocket: r174, websocket: r175, websocket: r176, websocket: r177, websocket: r178, websocket: r179, websocket: r180,
    ///       websocket: r181, websocket: r182, websocket: r183, websocket: r184, websocket: r185, websocket: r186, websocket: r187, websocket: r188, websocket: r189, websocket: r190,
    ///       websocket: r191, websocket: r192, websocket: r193, websocket: r194, websocket: r195, websocket: r196, websocket: r197, websocket: r198, websocket: r199, websocket: r200,
    ///       websocket: r201, websocket: r202, websocket: r203, websocket: r204, websocket: r205, websocket: r206, websocket: r207, websocket: r208, websocket: r209, websocket: r210,
    ///       websocket: r211, websocket: r212, websocket: r213, websocket: r214, websocket: r215, websocket: r216, websocket: r217, websocket: r218, websocket: r219, websocket: r220,
    ///       websocket: r221, websocket: r222, websocket: r223, websocket: r224, websocket: r225, websocket: r226, websocket: r227, websocket: r228, websocket: r229, websocket: r230,
    ///       websocket: r231, websocket: r232, websocket: r233, websocket: r234, websocket: r235, websocket: r236, websocket: r237, websocket: r238, websocket: r239, websocket: r240,
    ///       websocket: r241, websocket: r242, websocket: r243, websocket: r244, websocket: r245, websocket: r246, websocket: r247, websocket: r248, websocket: r249, websocket: r250,
    ///       websocket: r251, websocket: r252, websocket: r253, websocket: r254, websocket: r255, websocket: r256, websocket: r257, websocket: r258, websocket: r259, websocket: r260,
    ///       websocket: r261, websocket: r262, websocket: r263, websocket: r264, websocket: r265, websocket: r266, websocket: r267, websocket: r268, websocket: r269, websocket: r270,
    ///       websocket: r271, websocket: r272, websocket: r273, websocket: r274, websocket: r275, websocket: r276, websocket: r277, websocket: r278, websocket: r279, websocket: r280,
    ///       websocket: r281, websocket: r282, websocket: r283, websocket: r284, websocket: r285, websocket: r286, websocket: r287, websocket: r288, websocket: r289, websocket: r290,
    ///       websocket: r291, websocket: r292, websocket: r293, websocket: r294, websocket: r295, websocket: r296, websocket: r297, websocket: r298, websocket: r299, websocket: r300
    ///     ]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// service: chat
    /// provider:
    ///   name: aws
    /// functions:
    ///   api:
    ///     # one route; the function dispatches on the message's `action`
    ///     handler: handler.api
    ///     events:
    ///       - websocket: $default
    /// ```
    pub static RULE = {
        code: "WS108",
        name: "route-count-limit",
        severity: Some(Severity::Info),
        fix: None,
        check: Some(check),
    };
}

fn check(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let mut distinct: FxHashSet<&str> = FxHashSet::default();
    let all = routes(ctx);
    for route in all {
        if !distinct.insert(route.key.as_str()) || distinct.len() <= MAX_ROUTES {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &RULE,
            route.site,
            format!(
                "route `{}` is route number {} of this API: AWS's default quota is {MAX_ROUTES} routes per WebSocket API (raisable per API through Service Quotas); without a raise the deploy fails",
                shown(&route.key),
                distinct.len()
            ),
        );
        if ctx.service.api != crate::model::ApiOwner::Service {
            diagnostic = diagnostic.with_help(
                "the API is shared through `websocketApiId`: the routes of the other stacks count too",
            );
        }
        out.push(diagnostic);
        return;
    }
}
