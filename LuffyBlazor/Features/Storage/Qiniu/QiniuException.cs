namespace LuffyBlazor.Features.Storage.Qiniu;

/// <summary>
/// A request Qiniu refused or could not serve. <see cref="Exception.Message"/> explains the code in plain words (for
/// logs and admins); <see cref="Error"/> is Qiniu's own text and <see cref="RequestId"/> its <c>X-Reqid</c>, which
/// Qiniu's support asks for.
/// </summary>
public sealed class QiniuException(int statusCode, string? error, string? requestId, Exception? inner = null)
    : Exception(Describe(statusCode, error) + (requestId is null ? "" : $" (X-Reqid {requestId})"), inner)
{
    public int StatusCode { get; } = statusCode;
    public string? Error { get; } = error;
    public string? RequestId { get; } = requestId;

    /// <summary>Worth another attempt: Qiniu's 5xx (except 579, where the file was stored) and network failures (0).</summary>
    public bool IsTransient => StatusCode == 0 || IsTransientStatus(StatusCode);

    /// <summary>An HTTP status worth another attempt: 5xx but 579, and the standard "try later" codes 408 and 429.</summary>
    public static bool IsTransientStatus(int status) => status is (>= 500 and < 600 and not 579) or 408 or 429;

    public static string Describe(int statusCode, string? error)
    {
        var meaning = statusCode switch
        {
            0 => "Qiniu could not be reached or did not answer in time",
            400 => "Qiniu refused the request as malformed (for uploads, often an upload host of another region than the bucket's: check Storage:Qiniu:Region)",
            401 => "Qiniu refused the credentials: the token or authorization is invalid or expired (check Storage:Qiniu:AccessKey/SecretKey and the server clock)",
            403 => "Qiniu refused the operation: the key is outside the token's scope or the file type is not allowed",
            406 => "the file was corrupted on the way (its CRC32 does not match)",
            413 => "the file is larger than the upload token allows",
            419 => "the Qiniu account is frozen",
            579 => "the file was stored but Qiniu's callback to the app failed",
            599 => "Qiniu had an internal error",
            608 => "the file changed while it was being read",
            612 => "no such file",
            614 => "a file with this key already exists and the token does not allow overwriting it",
            630 => "the account has reached its bucket limit",
            631 => "the bucket does not exist (check Storage:Qiniu:Bucket and Region)",
            701 => "the resumable upload's context expired",
            >= 500 => "Qiniu is unavailable",
            _ => "Qiniu answered an unexpected status",
        };
        return $"Qiniu {statusCode}: {meaning}" + (string.IsNullOrEmpty(error) ? "." : $" — \"{error}\".");
    }
}
