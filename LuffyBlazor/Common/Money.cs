using System.Globalization;

namespace LuffyBlazor.Common;

/// <summary>
/// Money is <see cref="decimal"/> yuan everywhere in C#. It is stored as integer fen so that SQLite can sort and
/// sum it, and becomes a "0.00" string only at the Alipay and API boundary.
/// </summary>
public static class Money
{
    public static long ToFen(decimal yuan) => (long)decimal.Round(yuan * 100m, 0, MidpointRounding.AwayFromZero);

    public static decimal FromFen(long fen) => fen / 100m;

    /// <summary>"99.00": invariant culture, two decimals, whatever the server's culture is.</summary>
    public static string Format(decimal yuan) => yuan.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>"¥99.00" for people.</summary>
    public static string Display(decimal yuan) => "¥" + Format(yuan);

    /// <summary>True when the amount has at most two decimals (fen precision).</summary>
    public static bool HasFenPrecision(decimal yuan) => decimal.Round(yuan, 2) == yuan;

    /// <summary>Parses "99.00" / "99" / "0.5" strictly (invariant, no thousands separators, no exponent).</summary>
    public static bool TryParse(string? text, out decimal yuan)
    {
        yuan = 0;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 20)
        {
            return false;
        }

        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out yuan)
            && HasFenPrecision(yuan);
    }
}
