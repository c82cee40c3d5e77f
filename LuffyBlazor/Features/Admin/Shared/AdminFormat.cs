using System.Globalization;

namespace LuffyBlazor.Features.Admin.Shared;

public static class AdminFormat
{
    /// <summary>"¥1,743,221.62": totals are read at a glance with thousands separators.</summary>
    public static string Yuan(decimal amount) => "¥" + amount.ToString("#,0.00", CultureInfo.InvariantCulture);
}
