using System.Globalization;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders.Payments;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Notifies;

/// <summary>
/// One received notify, its parameters as <see cref="NotifyParameters.Read"/> shows them (the signature shortened);
/// <see cref="Count"/> above 1 for unverifiable ones an address sent beyond the rate limit, counted into one row.
/// </summary>
public sealed record NotifyRow(
    long Id, DateTime ReceivedAt, string? OutTradeNo, string? NotifyId, string? TradeStatus, NotifyVerdict Verdict, string Reason,
    string? RemoteIp, IReadOnlyDictionary<string, string> Parameters, int Count = 1, string? Provider = null);

/// <summary>Filters of the notify log: a verdict, and the start of an out_trade_no.</summary>
public sealed record NotifyFilter(NotifyVerdict? Verdict = null, string? OutTradeNo = null)
{
    /// <summary>The query-string form, as the notify API reads it: <c>verdict=2&amp;out_trade_no=2026...</c>.</summary>
    public IEnumerable<KeyValuePair<string, string?>> ToQueryPairs() =>
    [
        new("verdict", Verdict is { } verdict ? ((int)verdict).ToString(CultureInfo.InvariantCulture) : null),
        new("out_trade_no", OutTradeNo?.Trim()),
    ];

    /// <summary>Reads what it can of the query-string form, naming each value it leaves out.</summary>
    public static (NotifyFilter Filter, IReadOnlyList<string> Problems) Read(IReadOnlyDictionary<string, string> values)
    {
        var problems = new List<string>();
        var filter = new NotifyFilter(OutTradeNo: values.GetValueOrDefault("out_trade_no") is { Length: > 0 } number ? number : null);
        if (values.GetValueOrDefault("verdict") is { Length: > 0 } text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var verdict) && Enum.IsDefined((NotifyVerdict)verdict))
            {
                filter = filter with { Verdict = (NotifyVerdict)verdict };
            }
            else
            {
                problems.Add("verdict 必须是 0（已接受）、1（已忽略）或 2（已拒绝）");
            }
        }

        return (filter, problems);
    }
}

/// <summary>Reads the notify log, newest first, paged in SQL.</summary>
public sealed class NotifyLogQuery(IDbContextFactory<LuffyDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    public async Task<(IReadOnlyList<NotifyRow> Rows, int Total)> PageAsync(NotifyFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var notifies = db.NotifyLogs.AsNoTracking();
        if (filter.Verdict is { } verdict)
        {
            notifies = notifies.Where(n => n.Verdict == verdict);
        }

        if (!string.IsNullOrWhiteSpace(filter.OutTradeNo))
        {
            // A range on the (OutTradeNo, ReceivedAt) index; order numbers are upper-case, people type either case.
            var (from, to) = OrderFilters.PrefixRange(filter.OutTradeNo.Trim().ToUpperInvariant());
            notifies = notifies.Where(n => n.OutTradeNo!.CompareTo(from) >= 0 && n.OutTradeNo.CompareTo(to) < 0);
        }

        var total = await notifies.CountAsync(ct);
        var rows = await Project(notifies.OrderByDescending(n => n.ReceivedAt).ThenByDescending(n => n.Id)
            .Skip(Math.Max(0, page) * pageSize).Take(pageSize)).ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>Every notify about one order, oldest first: the order page tells its story in sequence.</summary>
    public async Task<IReadOnlyList<NotifyRow>> ForOrderAsync(string outTradeNo, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(db.NotifyLogs.AsNoTracking().Where(n => n.OutTradeNo == outTradeNo).OrderBy(n => n.ReceivedAt).ThenBy(n => n.Id))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<NotifyRow>> RecentRejectedAsync(int take, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(db.NotifyLogs.AsNoTracking().Where(n => n.Verdict == NotifyVerdict.Rejected)
            .OrderByDescending(n => n.ReceivedAt).ThenByDescending(n => n.Id).Take(take)).ToListAsync(ct);
    }

    private static IQueryable<NotifyRow> Project(IQueryable<NotifyLog> notifies) => notifies.Select(n => new NotifyRow(
        n.Id, n.ReceivedAt, n.OutTradeNo, n.NotifyId, n.TradeStatus, n.Verdict, n.Reason, n.RemoteIp, NotifyParameters.Read(n.RawParameters), n.Count, n.Provider));
}

public static class NotifyProviderText
{
    /// <summary>The provider whose endpoint received a notify, as admins read it; rows from before providers were recorded were Alipay's.</summary>
    public static string ToChinese(string? provider) => provider switch
    {
        "WeChat" => "微信支付",
        "Alipay" or null => "支付宝",
        _ => provider,
    };
}

public static class NotifyVerdictText
{
    public static string ToChinese(this NotifyVerdict verdict) => verdict switch
    {
        NotifyVerdict.Accepted => "已接受",
        NotifyVerdict.Ignored => "已忽略",
        NotifyVerdict.Rejected => "已拒绝",
        _ => verdict.ToString(),
    };
}
