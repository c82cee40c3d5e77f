using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// <c>out_trade_no</c>: Beijing time to the second (readable by people on a support call) followed by 24 hex digits
/// of cryptographic randomness (96 bits), so numbers are unique and cannot be guessed. 38 characters of [0-9A-F].
/// </summary>
public static partial class OrderNumbers
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static string New(TimeProvider clock)
    {
        Span<byte> random = stackalloc byte[12];
        RandomNumberGenerator.Fill(random);
        var stamp = clock.GetUtcNow().ToOffset(Beijing).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        return stamp + Convert.ToHexString(random);
    }

    /// <summary>What Alipay accepts as <c>out_trade_no</c>: 1–64 characters of [A-Za-z0-9_].</summary>
    public static bool IsWellFormed(string? value) => value is { Length: > 0 and <= 64 } && Shape().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex Shape();
}
