using Microsoft.AspNetCore.Diagnostics;

namespace LuffyBlazor.Common;

/// <summary>
/// The one place unexpected exceptions end up. API calls get the JSON envelope (never an HTML page or a stack
/// trace); page requests fall through to the /Error page.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        // By now the middleware has pointed the request at the error page; the feature keeps the original path.
        var path = context.Features.Get<IExceptionHandlerFeature>() is { } feature ? new PathString(feature.Path) : context.Request.Path;
        if (!path.StartsWithSegments("/api"))
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, path);
            return false;
        }

        int httpStatus;
        string msg;
        if (exception is BadHttpRequestException bad)
        {
            // Malformed JSON, a wrong content type, an oversized body: the caller's fault, said plainly.
            httpStatus = bad.StatusCode;
            msg = Api.DescribeStatusCode(bad.StatusCode).Msg + "：" + bad.Message;
            logger.LogInformation("Bad API request on {Path}: {Reason}", path, bad.Message);
        }
        else
        {
            httpStatus = StatusCodes.Status500InternalServerError;
            msg = "服务器内部错误，请稍后再试";
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, path);
        }

        var (status, _) = Api.DescribeStatusCode(httpStatus);
        context.Response.StatusCode = httpStatus;
        await context.Response.WriteAsJsonAsync(new ApiEnvelope<object>(status, msg, null), ct);
        return true;
    }
}
