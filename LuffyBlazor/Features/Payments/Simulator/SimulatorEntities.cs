using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Payments.Simulator;

/// <summary>What the simulator does with a trade's payment notify: the fault switches of the console.</summary>
public enum NotifyFault
{
    /// <summary>Post it once, retry on anything but <c>success</c>, as Alipay does.</summary>
    Normal = 0,
    /// <summary>Never send it (the merchant must query).</summary>
    Drop = 1,
    /// <summary>Send it after <see cref="SimulatorTrade.NotifyDelay"/>.</summary>
    Delay = 2,
    /// <summary>Send <see cref="SimulatorTrade.NotifyCopies"/> copies one after another.</summary>
    Repeat = 3,
    /// <summary>Send <see cref="SimulatorTrade.NotifyCopies"/> copies at the same moment.</summary>
    Concurrent = 4,
    /// <summary>Deliver it before the browser is sent back to the return URL.</summary>
    BeforeReturn = 5,
}

/// <summary>A trade at the simulated Alipay: created when the buyer opens the cashier, as at the real one.</summary>
public sealed class SimulatorTrade
{
    public int Id { get; set; }
    public required string AppId { get; set; }
    public required string OutTradeNo { get; set; }
    public required string TradeNo { get; set; }
    public required string Subject { get; set; }
    public decimal TotalAmount { get; set; }
    public required string ProductCode { get; set; }
    public string Status { get; set; } = AlipayTradeStatus.WaitBuyerPay;
    public string? NotifyUrl { get; set; }
    public string? ReturnUrl { get; set; }

    /// <summary>Wap pay's <c>quit_url</c>: where 取消 on the phone cashier sends the buyer.</summary>
    public string? QuitUrl { get; set; }

    public DateTime? TimeExpire { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? PaidAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? BuyerId { get; set; }
    public string? BuyerLogonId { get; set; }
    public decimal RefundedAmount { get; set; }

    public NotifyFault NotifyFault { get; set; }
    public int NotifyCopies { get; set; } = 2;
    public TimeSpan NotifyDelay { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Change <c>total_amount</c> after signing: the merchant must refuse it.</summary>
    public bool TamperAmount { get; set; }
    /// <summary>Corrupt the signature: the merchant must refuse it.</summary>
    public bool TamperSignature { get; set; }

    public NotifyFaults Faults => new(NotifyFault, NotifyCopies, NotifyDelay, TamperAmount, TamperSignature);

    /// <summary>Guards the status: two buyers' clicks, or a click and a close, leave one result.</summary>
    public int Version { get; set; }
}

/// <summary>A refund, idempotent by <see cref="OutRequestNo"/> within its trade.</summary>
public sealed class SimulatorRefund
{
    public int Id { get; set; }
    public int TradeId { get; set; }
    public required string OutRequestNo { get; set; }
    public decimal Amount { get; set; }
    public string? Reason { get; set; }
    public DateTime RefundedAt { get; set; }
}

public enum NotificationState
{
    Pending = 0,
    Delivered = 1,
    GaveUp = 2,
}

/// <summary>One notify to deliver (retried with the same <c>notify_id</c> until the merchant answers <c>success</c>).</summary>
public sealed class SimulatorNotification
{
    public long Id { get; set; }
    public int TradeId { get; set; }
    public required string NotifyId { get; set; }
    public required string NotifyUrl { get; set; }
    public required string TradeStatusSent { get; set; }

    /// <summary>The signed form as JSON, exactly what is posted.</summary>
    public required string Form { get; set; }

    public NotificationState State { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }

    /// <summary>Until when one notifier owns this delivery (several app instances may run one each).</summary>
    public DateTime? ClaimedUntil { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>One POST of a notify and what the merchant answered.</summary>
public sealed class SimulatorNotifyAttempt
{
    public long Id { get; set; }
    public long NotificationId { get; set; }
    public DateTime At { get; set; }
    public int? HttpStatus { get; set; }
    public string? Answer { get; set; }
    public string? Error { get; set; }
    public bool Accepted { get; set; }
}
