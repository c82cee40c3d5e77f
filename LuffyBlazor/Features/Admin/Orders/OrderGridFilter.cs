using System.Globalization;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace LuffyBlazor.Features.Admin.Orders;

/// <summary>
/// What the admin orders grid, its CSV export and the admin order API filter by. Dates are Beijing days,
/// inclusive. The query-string form (<c>status=1&amp;from=2026-11-01&amp;q=...</c>) is shared by all three, so the
/// export link always exports what the grid shows.
/// </summary>
public sealed record OrderGridFilter
{
    public OrderStatus? Status { get; init; }
    public PayType? PayType { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }

    /// <summary>Part of a user name or e-mail (any case), or a user id.</summary>
    public string? User { get; init; }

    /// <summary>The start of an out_trade_no or trade_no, or part of a course name.</summary>
    public string? Search { get; init; }

    /// <summary>Only orders whose money arrived after they were cancelled or timed out.</summary>
    public bool PaidAfterCloseOnly { get; init; }

    /// <summary>Only orders that paid for a course the learner already owned.</summary>
    public bool DuplicatePurchaseOnly { get; init; }

    /// <summary>Only orders a payment reached with a trade number that already paid another order.</summary>
    public bool TradeNoConflictOnly { get; init; }

    public static readonly OrderGridFilter None = new();

    /// <summary>
    /// The first and last day a date filter may name. Any order of this school falls inside; a day outside (9999-12-31,
    /// 0001-01-01) is a typo or a probe, and near either end of DateTime its Beijing midnight in UTC cannot even be
    /// computed.
    /// </summary>
    public static readonly DateOnly EarliestDay = new(2000, 1, 1);

    public static readonly DateOnly LatestDay = new(2099, 12, 31);

    /// <summary>The query-string pairs of this filter; empty values are left out by whoever writes them.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToQueryPairs()
    {
        yield return new("status", Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : null);
        yield return new("pay_type", PayType is { } payType ? ((int)payType).ToString(CultureInfo.InvariantCulture) : null);
        yield return new("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        yield return new("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        yield return new("user", User?.Trim());
        yield return new("q", Search?.Trim());
        yield return new("paid_after_close", PaidAfterCloseOnly ? "1" : null);
        yield return new("duplicate_purchase", DuplicatePurchaseOnly ? "1" : null);
        yield return new("trade_no_conflict", TradeNoConflictOnly ? "1" : null);
    }

    public string ToQueryString() =>
        QueryHelpers.AddQueryString("", ToQueryPairs().Where(p => !string.IsNullOrWhiteSpace(p.Value))).TrimStart('?');

    /// <summary>Reads the query-string form; an unreadable value is an error that names the parameter (the API's 400).</summary>
    public static (OrderGridFilter? Filter, string? Error) Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var (filter, problems) = Read(query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase));
        return problems.Count == 0 ? (filter, null) : (null, problems[0]);
    }

    /// <summary>
    /// Reads what it can of the query-string form: each unreadable value is left out and named in the problems
    /// (the grid page opens anyway and says what it ignored).
    /// </summary>
    public static (OrderGridFilter Filter, IReadOnlyList<string> Problems) Read(IReadOnlyDictionary<string, string> values)
    {
        string? Get(string key) => values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var problems = new List<string>();
        var filter = new OrderGridFilter { User = Get("user"), Search = Get("q") };
        if (Get("status") is { } status)
        {
            if (int.TryParse(status, CultureInfo.InvariantCulture, out var s) && Enum.IsDefined((OrderStatus)s))
            {
                filter = filter with { Status = (OrderStatus)s };
            }
            else
            {
                problems.Add("status 必须是 0 到 4");
            }
        }

        if (Get("pay_type") is { } payType)
        {
            if (int.TryParse(payType, CultureInfo.InvariantCulture, out var p) && Enum.IsDefined((PayType)p))
            {
                filter = filter with { PayType = (PayType)p };
            }
            else
            {
                problems.Add("pay_type 必须是 1 或 2");
            }
        }

        foreach (var key in (string[])["from", "to"])
        {
            if (Get(key) is not { } text)
            {
                continue;
            }

            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                problems.Add($"{key} 必须是 yyyy-MM-dd 格式的日期");
            }
            else if (day < EarliestDay || day > LatestDay)
            {
                problems.Add($"{key} 必须在 {Day(EarliestDay)} 到 {Day(LatestDay)} 之间");
            }
            else
            {
                filter = key == "from" ? filter with { From = day } : filter with { To = day };
            }
        }

        if (filter.From > filter.To)
        {
            problems.Add("from 不能晚于 to");
            filter = filter with { From = null, To = null };
        }

        if (Get("paid_after_close") is { } flag)
        {
            filter = filter with { PaidAfterCloseOnly = flag is "1" or "true" };
        }

        if (Get("duplicate_purchase") is { } duplicate)
        {
            filter = filter with { DuplicatePurchaseOnly = duplicate is "1" or "true" };
        }

        if (Get("trade_no_conflict") is { } conflict)
        {
            filter = filter with { TradeNoConflictOnly = conflict is "1" or "true" };
        }

        return (filter, problems);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The start of <see cref="From"/> in UTC (a Beijing midnight).</summary>
    public DateTime? FromUtc => From is { } day ? BeijingMidnightUtc(day) : null;

    /// <summary>The end of <see cref="To"/> in UTC, exclusive (the next Beijing midnight).</summary>
    public DateTime? ToUtcExclusive => To is { } day ? BeijingMidnightUtc(day.AddDays(1)) : null;

    public static DateTime BeijingMidnightUtc(DateOnly day) =>
        DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue) - BeijingTime.Offset, DateTimeKind.Utc);
}
