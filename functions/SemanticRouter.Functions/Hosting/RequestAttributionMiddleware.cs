using SemanticRouter.Async.Feedback;
using SemanticRouter.Core.Pipeline;

namespace SemanticRouter.Functions.Hosting;

/// <summary>
/// Remembers which model and decision served each request id, read from the response headers the
/// pipeline sets (<c>x-request-id</c>, <c>x-vsr-selected-model</c>, <c>x-vsr-selected-decision</c>),
/// so <c>POST /v1/feedback</c> can attribute a rating without the client echoing them.
/// Registered through an <see cref="IStartupFilter"/> so it wraps every endpoint.
/// </summary>
internal sealed class RequestAttributionMiddleware(RequestDelegate next, IRequestAttributions attributions)
{
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(static state =>
        {
            var (response, map) = ((HttpResponse, IRequestAttributions))state;
            var headers = response.Headers;
            if (headers.TryGetValue(VsrHeaders.SelectedModel, out var model) && headers.TryGetValue(VsrHeaders.RequestId, out var id) && response.StatusCode < 400)
            {
                var decision = headers.TryGetValue(VsrHeaders.SelectedDecision, out var d) ? d.ToString() : null;
                map.Record(id.ToString(), model.ToString(), decision);
            }

            return Task.CompletedTask;
        }, (http.Response, attributions));
        return next(http);
    }

    /// <summary>Puts the middleware in front of the app's own pipeline.</summary>
    internal sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<RequestAttributionMiddleware>();
            next(app);
        };
    }
}
