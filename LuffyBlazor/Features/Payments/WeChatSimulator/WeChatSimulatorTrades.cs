using System.Security.Cryptography;
using LuffyBlazor.Features.Payments.Simulator;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>A trade at the simulated WeChat Pay: made by the merchant's Native or H5 order, paid or cancelled at its page.</summary>
public sealed class WeChatSimTrade
{
    public required string OutTradeNo { get; init; }
    public required string AppId { get; init; }
    public required string MchId { get; init; }
    public required string Description { get; init; }
    public required long Total { get; init; }
    public required DateTimeOffset TimeExpire { get; init; }
    public required string NotifyUrl { get; init; }

    /// <summary>NATIVE or MWEB (H5).</summary>
    public required string TradeType { get; init; }

    /// <summary>The token in the code_url / h5_url that opens this trade's page.</summary>
    public required string Token { get; init; }

    public string TransactionId { get; set; } = "";
    public string TradeState { get; set; } = "NOTPAY";
    public DateTimeOffset? SuccessTime { get; set; }
    public long Refunded { get; set; }

    public NotifyFault NotifyFault { get; set; }
    public int NotifyCopies { get; set; } = 2;
    public TimeSpan NotifyDelay { get; set; } = TimeSpan.FromSeconds(30);
    public bool TamperAmount { get; set; }
    public bool TamperSignature { get; set; }

    /// <summary>Every notify delivery attempt, for the console.</summary>
    public List<string> Deliveries { get; } = [];
}

public sealed class WeChatSimRefund
{
    public required string OutRefundNo { get; init; }
    public required string OutTradeNo { get; init; }
    public required string RefundId { get; init; }
    public required long Amount { get; init; }
    public required long Total { get; init; }
    public string Status { get; set; } = "SUCCESS";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SuccessTime { get; set; }
}

/// <summary>
/// The simulated WeChat Pay's records, held in memory (one app instance, Development only): a restart forgets them,
/// as if WeChat had never heard of those trades, and the shop's sweeper then closes its unpaid orders locally. Every
/// change takes the one lock, so a pay racing a close or two refunds leave one result.
/// </summary>
public sealed class WeChatSimulatorTrades
{
    private readonly Dictionary<string, WeChatSimTrade> trades = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WeChatSimRefund> refunds = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public T Locked<T>(Func<Dictionary<string, WeChatSimTrade>, Dictionary<string, WeChatSimRefund>, T> work)
    {
        lock (gate)
        {
            return work(trades, refunds);
        }
    }

    public WeChatSimTrade? Find(string outTradeNo) => Locked((t, _) => t.GetValueOrDefault(outTradeNo));

    public WeChatSimTrade? FindByToken(string token) => Locked((t, _) => t.Values.FirstOrDefault(x => x.Token == token));

    public IReadOnlyList<WeChatSimTrade> Recent(int take) =>
        Locked((t, _) => t.Values.OrderByDescending(x => x.TimeExpire).Take(take).ToList());

    public static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    /// <summary>"4200002026…": 28 digits, as WeChat's transaction ids are.</summary>
    public static string NewTransactionId(DateTimeOffset now) =>
        "42000" + now.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + RandomDigits(15);

    public static string NewRefundId(DateTimeOffset now) =>
        "50300" + now.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + RandomDigits(15);

    private static string RandomDigits(int count) => RandomNumberGenerator.GetString("0123456789", count);
}
