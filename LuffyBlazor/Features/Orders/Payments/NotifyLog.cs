using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuffyBlazor.Features.Orders.Payments;

public enum NotifyVerdict
{
    /// <summary>Verified and applied (or already applied): answered <c>success</c>.</summary>
    Accepted = 0,
    /// <summary>Verified, nothing to do (e.g. <c>WAIT_BUYER_PAY</c>): answered <c>success</c>.</summary>
    Ignored = 1,
    /// <summary>Refused (signature, app_id, amount, unknown order, garbage): answered <c>failure</c>.</summary>
    Rejected = 2,
}

/// <summary>Every async notify received from a payment provider, whatever became of it: what arrived, the verdict and why.</summary>
public sealed class NotifyLog
{
    public long Id { get; set; }
    public DateTime ReceivedAt { get; set; }
    public string? OutTradeNo { get; set; }
    public string? NotifyId { get; set; }
    public string? TradeStatus { get; set; }
    public NotifyVerdict Verdict { get; set; }
    public required string Reason { get; set; }

    /// <summary>The parameters as received, as a JSON object.</summary>
    public required string RawParameters { get; set; }

    public string? RemoteIp { get; set; }

    /// <summary>The provider whose endpoint received it ("Alipay", "WeChat"); null only for rows written before providers were recorded.</summary>
    public string? Provider { get; set; }

    /// <summary>
    /// How many notifies this row stands for: 1, or, for unverifiable ones an address sent beyond the rate limit, how
    /// many it sent with that reason in that minute (<see cref="NotifyFloodGuard"/>).
    /// </summary>
    public int Count { get; set; } = 1;
}

internal sealed class NotifyLogConfiguration : IEntityTypeConfiguration<NotifyLog>
{
    public void Configure(EntityTypeBuilder<NotifyLog> b)
    {
        b.Property(x => x.OutTradeNo).HasMaxLength(64);
        b.Property(x => x.NotifyId).HasMaxLength(128);
        b.Property(x => x.TradeStatus).HasMaxLength(32);
        b.Property(x => x.Reason).HasMaxLength(512);
        b.Property(x => x.RawParameters).HasMaxLength(16_000);
        b.Property(x => x.RemoteIp).HasMaxLength(64);
        b.Property(x => x.Provider).HasMaxLength(16);
        b.HasIndex(x => new { x.OutTradeNo, x.ReceivedAt });
        b.HasIndex(x => new { x.Verdict, x.ReceivedAt });
        // The admin notify log, newest first.
        b.HasIndex(x => x.ReceivedAt);
    }
}
