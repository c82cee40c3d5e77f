using System.Globalization;

namespace LuffyBlazor.Common;

/// <summary>
/// China Standard Time (UTC+8, no daylight saving): how learners read times, and the zone of every time Alipay
/// sends or expects (<c>timestamp</c>, <c>time_expire</c>, <c>gmt_payment</c>...), whatever the server's own zone.
/// </summary>
public static class BeijingTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    private const string AlipayFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly string[] AlipayFormats = [AlipayFormat, "yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss.ff", "yyyy-MM-dd HH:mm:ss.f"];

    /// <summary>A day as "2026-11-25" (Alipay's <c>bill_date</c>, the back office's URLs), whatever the server's culture.</summary>
    public static string ToDayText(this DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Reads "2026-11-25" strictly.</summary>
    public static bool TryParseDayText(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>The date in Beijing now.</summary>
    public static DateOnly BeijingToday(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);

    /// <summary>The UTC instants a Beijing day starts at (inclusive) and ends at (exclusive).</summary>
    public static (DateTime From, DateTime To) UtcBoundsOf(DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Offset).UtcDateTime;
        return (from, from.AddDays(1));
    }

    /// <summary>A stored UTC time as the school's learners read it: "2026-11-25 08:30".</summary>
    public static string ToBeijingText(this DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(Offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Alipay's time format in Beijing time: "2026-11-25 16:30:05".</summary>
    public static string ToAlipayText(this DateTimeOffset time) =>
        time.ToOffset(Offset).ToString(AlipayFormat, CultureInfo.InvariantCulture);

    /// <summary>A stored UTC time in Alipay's format, Beijing time.</summary>
    public static string ToAlipayText(this DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToAlipayText();

    /// <summary>
    /// Reads an Alipay time ("2026-11-25 16:30:05", refunds add ".000") as the instant it names in Beijing time.
    /// </summary>
    public static bool TryParseAlipayText(string? text, out DateTimeOffset time)
    {
        time = default;
        if (string.IsNullOrEmpty(text)
            || !DateTime.TryParseExact(text, AlipayFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        time = new DateTimeOffset(local, Offset);
        return true;
    }
}
