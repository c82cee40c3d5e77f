namespace LuffyBlazor.Common;

/// <summary>
/// Puts the signed-in user into the logging scope of every request, so each log line says whose request it was
/// (the order number is added by the order code where it is known).
/// </summary>
public static class RequestLogScope
{
    public static IApplicationBuilder UseUserLogScope(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var user = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
            if (user is null)
            {
                await next(context);
                return;
            }

            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LuffyBlazor.Request");
            using (logger.BeginScope(new Dictionary<string, object> { ["User"] = user }))
            {
                await next(context);
            }
        });
}
