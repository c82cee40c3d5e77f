using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuffyBlazor.Features.Orders.Payments;

public enum RefundStatus
{
    /// <summary>Stored, sent (or about to be) to Alipay, answer not known yet: retried with the same out_request_no.</summary>
    Pending = 0,
    Succeeded = 1,
    /// <summary>Alipay refused it (signed answer): no money moved, the request is closed.</summary>
    Failed = 2,
}

/// <summary>
/// One <c>alipay.trade.refund</c> request. The row and its <see cref="OutRequestNo"/> are stored before Alipay is
/// called, so a second click or a retry after a timeout sends the same out_request_no again, which Alipay
/// refunds at most once.
/// </summary>
public sealed class OrderRefund
{
    public int Id { get; set; }
    public int OrderId { get; set; }
    public required string OutRequestNo { get; set; }
    public decimal Amount { get; set; }
    public required string Reason { get; set; }
    public RefundStatus Status { get; set; }
    public required string RequestedBy { get; set; }
    public DateTime RequestedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>Alipay's <c>refund_fee</c> once it succeeded: the trade's refunded total after this refund.</summary>
    public decimal? RefundedTotal { get; set; }

    /// <summary>Why it failed, or why its result is not known yet.</summary>
    public string? LastError { get; set; }

    public int Attempts { get; set; }
}

internal sealed class OrderRefundConfiguration : IEntityTypeConfiguration<OrderRefund>
{
    public void Configure(EntityTypeBuilder<OrderRefund> b)
    {
        b.Property(x => x.OutRequestNo).HasMaxLength(64);
        b.HasIndex(x => x.OutRequestNo).IsUnique();
        b.Property(x => x.Reason).HasMaxLength(256);
        b.Property(x => x.RequestedBy).HasMaxLength(256);
        b.Property(x => x.LastError).HasMaxLength(512);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.OrderId);
        // At most one refund of an order is in flight: another one waits until the first one's result is known.
        b.HasIndex(x => x.OrderId, "IX_OrderRefunds_OnePendingPerOrder").HasFilter("\"Status\" = 0").IsUnique();
    }
}
