namespace LuffyBlazor.Common;

/// <summary>The original Luffy API's response shape: <c>{"status": 100, "msg": "...", "data": ...}</c>.</summary>
public sealed record ApiEnvelope<T>(int Status, string Msg, T? Data);

/// <summary>Values of the envelope's <c>status</c>. 100 and 101 come from the original API; the rest are ours.</summary>
public static class ApiStatus
{
    public const int Success = 100;
    /// <summary>Not paid, or a business rule refused the request (wrong total, course owned...).</summary>
    public const int BusinessFailure = 101;
    public const int InvalidInput = 102;
    public const int Unauthenticated = 103;
    public const int Forbidden = 104;
    public const int NotFound = 105;
    public const int TooManyRequests = 106;
    public const int ServerError = 500;
}

/// <summary>Builds enveloped API results so that every endpoint answers the same shape.</summary>
public static class Api
{
    public static IResult Ok<T>(T data, string msg = "成功") =>
        TypedResults.Json(new ApiEnvelope<T>(ApiStatus.Success, msg, data));

    public static IResult Fail(int httpStatus, int status, string msg) =>
        TypedResults.Json(new ApiEnvelope<object>(status, msg, null), statusCode: httpStatus);

    public static IResult BadRequest(string msg, int status = ApiStatus.InvalidInput) =>
        Fail(StatusCodes.Status400BadRequest, status, msg);

    public static IResult NotFound(string msg) => Fail(StatusCodes.Status404NotFound, ApiStatus.NotFound, msg);

    /// <summary>Envelope for a bare status code (no endpoint wrote a body), e.g. 401 from authorization.</summary>
    public static (int Status, string Msg) DescribeStatusCode(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status400BadRequest => (ApiStatus.InvalidInput, "请求格式错误"),
        StatusCodes.Status401Unauthorized => (ApiStatus.Unauthenticated, "请先登录"),
        StatusCodes.Status403Forbidden => (ApiStatus.Forbidden, "没有权限"),
        StatusCodes.Status404NotFound => (ApiStatus.NotFound, "接口不存在"),
        StatusCodes.Status405MethodNotAllowed => (ApiStatus.InvalidInput, "不支持的请求方法"),
        StatusCodes.Status413PayloadTooLarge => (ApiStatus.InvalidInput, "请求体过大"),
        StatusCodes.Status415UnsupportedMediaType => (ApiStatus.InvalidInput, "不支持的内容类型，请使用 application/json"),
        StatusCodes.Status429TooManyRequests => (ApiStatus.TooManyRequests, "请求过于频繁，请稍后再试"),
        >= 500 => (ApiStatus.ServerError, "服务器内部错误"),
        _ => (ApiStatus.InvalidInput, "请求失败"),
    };

    public static bool IsApiRequest(HttpContext context) => context.Request.Path.StartsWithSegments("/api");
}
