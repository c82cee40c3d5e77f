using LuffyBlazor.Features.Payments.Simulator;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>How the simulated APIv3 answers the merchant's calls about one trade (query, close, refund): a console switch.</summary>
public enum WeChatApiFault
{
    /// <summary>Answer as WeChat Pay does.</summary>
    None = 0,
    /// <summary>HTTP 500 <c>SYSTEM_ERROR</c>, signed: WeChat's "try again later".</summary>
    SystemError = 1,
    /// <summary>HTTP 429 <c>FREQUENCY_LIMITED</c>, signed.</summary>
    FrequencyLimited = 2,
    /// <summary>The right answer under a signature that does not verify (a forged or corrupted answer).</summary>
    BadSignature = 3,
}

/// <summary>A trade at the simulated WeChat Pay: made by the merchant's Native or H5 order, paid or cancelled at its page.</summary>
public sealed class WeChatSimTrade
{
    public int Id { get; set; }
    public required string OutTradeNo { get; set; }
    public required string AppId { get; set; }
    public required string MchId { get; set; }
    public required string Description { get; set; }

    /// <summary>In fen, as APIv3 counts (amount.total).</summary>
    public required long Total { get; set; }

    public required DateTime TimeExpire { get; set; }
    public required string NotifyUrl { get; set; }

    /// <summary>NATIVE or MWEB (H5).</summary>
    public required string TradeType { get; set; }

    /// <summary>The token in the code_url / h5_url that opens this trade's page.</summary>
    public required string Token { get; set; }

    public DateTime CreatedAt { get; set; }
    public string TransactionId { get; set; } = "";
    public string TradeState { get; set; } = "NOTPAY";
    public DateTime? SuccessTime { get; set; }
    public long Refunded { get; set; }

    public NotifyFault NotifyFault { get; set; }
    public int NotifyCopies { get; set; } = 2;
    public TimeSpan NotifyDelay { get; set; } = TimeSpan.FromSeconds(30);
    public bool TamperAmount { get; set; }
    public bool TamperSignature { get; set; }
    public WeChatApiFault ApiFault { get; set; }

    public NotifyFaults Faults => new(NotifyFault, NotifyCopies, NotifyDelay, TamperAmount, TamperSignature);
}

/// <summary>A refund, idempotent by its <see cref="OutRefundNo"/>.</summary>
public sealed class WeChatSimRefund
{
    public int Id { get; set; }
    public required string OutRefundNo { get; set; }
    public required string OutTradeNo { get; set; }
    public required string RefundId { get; set; }
    public required long Amount { get; set; }
    public required long Total { get; set; }
    public string Status { get; set; } = "SUCCESS";
    public DateTime CreatedAt { get; set; }
    public DateTime? SuccessTime { get; set; }
}

/// <summary>
/// One notify to deliver: the envelope (encrypted resource) exactly as posted every time, and when it is next due.
/// Each POST is signed afresh (new timestamp and nonce), as WeChat's retries are.
/// </summary>
public sealed class WeChatSimNotification
{
    public long Id { get; set; }
    public int TradeId { get; set; }
    public required string OutTradeNo { get; set; }

    /// <summary>TRANSACTION.SUCCESS or REFUND.SUCCESS.</summary>
    public required string EventType { get; set; }

    public required string Url { get; set; }
    public required string Body { get; set; }
    public bool TamperSignature { get; set; }
    public NotificationState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }

    /// <summary>Until when one sender (the notifier, or the console's 立即发送) owns this delivery.</summary>
    public DateTime? ClaimedUntil { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>One POST of a notify and what the merchant answered.</summary>
public sealed class WeChatSimNotifyAttempt
{
    public long Id { get; set; }
    public long NotificationId { get; set; }
    public DateTime At { get; set; }
    public int? HttpStatus { get; set; }
    public string? Error { get; set; }
    public bool Accepted { get; set; }
}
