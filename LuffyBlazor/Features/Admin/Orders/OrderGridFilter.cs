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

    /// <summary>A user name, e-mail or user id, matched exactly.</summary>
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

    public string ToQueryString()
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        Add("status", Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : null);
        Add("pay_type", PayType is { } payType ? ((int)payType).ToString(CultureInfo.InvariantCulture) : null);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("user", User);
        Add("q", Search);
        Add("paid_after_close", PaidAfterCloseOnly ? "1" : null);
        Add("duplicate_purchase", DuplicatePurchaseOnly ? "1" : null);
        Add("trade_no_conflict", TradeNoConflictOnly ? "1" : null);
        return QueryHelpers.AddQueryString("", pairs).TrimStart('?');

        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                pairs.Add(new(key, value.Trim()));
            }
        }
    }

    /// <summary>Reads the query-string form; an unreadable value is an error that names the parameter.</summary>
    public static (OrderGridFilter? Filter, string? Error) Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var values = query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        string? Get(string key) => values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var filter = new OrderGridFilter { User = Get("user"), Search = Get("q") };
        if (Get("status") is { } status)
        {
            if (!int.TryParse(status, CultureInfo.InvariantCulture, out var s) || !Enum.IsDefined((OrderStatus)s))
            {
                return (null, "status 必须是 0 到 4");
            }

            filter = filter with { Status = (OrderStatus)s };
        }

        if (Get("pay_type") is { } payType)
        {
            if (!int.TryParse(payType, CultureInfo.InvariantCulture, out var p) || !Enum.IsDefined((PayType)p))
            {
                return (null, "pay_type 必须是 1 或 2");
            }

            filter = filter with { PayType = (PayType)p };
        }

        foreach (var key in (string[])["from", "to"])
        {
            if (Get(key) is not { } text)
            {
                continue;
            }

            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return (null, $"{key} 必须是 yyyy-MM-dd 格式的日期");
            }

            filter = key == "from" ? filter with { From = day } : filter with { To = day };
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

        return (filter, null);
    }

    /// <summary>The start of <see cref="From"/> in UTC (a Beijing midnight).</summary>
    public DateTime? FromUtc => From is { } day ? BeijingMidnightUtc(day) : null;

    /// <summary>The end of <see cref="To"/> in UTC, exclusive (the next Beijing midnight).</summary>
    public DateTime? ToUtcExclusive => To is { } day ? BeijingMidnightUtc(day.AddDays(1)) : null;

    public static DateTime BeijingMidnightUtc(DateOnly day) =>
        DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue) - BeijingTime.Offset, DateTimeKind.Utc);
}
