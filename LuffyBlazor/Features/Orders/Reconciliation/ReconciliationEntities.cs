using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuffyBlazor.Features.Orders.Reconciliation;

public enum ReconciliationStatus
{
    /// <summary>Claimed for a first run that has not finished (or was given up mid-way).</summary>
    Pending = 0,
    /// <summary>The statement was compared with the books; <see cref="ReconciliationDay.MismatchCount"/> says how it went.</summary>
    Done = 1,
    /// <summary>No result yet: the statement could not be fetched or read (<see cref="ReconciliationDay.Error"/>); retried later.</summary>
    Failed = 2,
}

/// <summary>The kinds of difference between Alipay's statement and the shop's books.</summary>
public enum MismatchKind
{
    /// <summary>Alipay took the money but the order is not paid here (or there is no such order here).</summary>
    PaidAtAlipayOnly = 1,
    /// <summary>The order is paid here but the day's statement has no such payment.</summary>
    PaidHereOnly = 2,
    /// <summary>Both have the payment, for different amounts.</summary>
    AmountDiffers = 3,
    /// <summary>A refund one side has and the other has not, or has for another amount.</summary>
    RefundDiffers = 4,
}

/// <summary>
/// One Beijing day compared with Alipay's statement (对账单). One row per day (a unique date), claimed with a
/// compare-and-set before a run, so that several instances never reconcile the same day at once. A failed run
/// leaves the last result as it was and only records why.
/// </summary>
public sealed class ReconciliationDay
{
    public int Id { get; set; }
    public DateOnly Date { get; set; }
    public ReconciliationStatus Status { get; set; }

    /// <summary>Until when one run owns the day.</summary>
    public DateTime? ClaimedUntil { get; set; }

    public int Attempts { get; set; }
    public DateTime? LastRunAt { get; set; }

    /// <summary>"reconciliation-job", "admin:wang".</summary>
    public string? LastRunBy { get; set; }

    /// <summary>When the last successful run finished.</summary>
    public DateTime? CompletedAt { get; set; }

    /// <summary>Why the last run failed (cleared by a successful one).</summary>
    public string? Error { get; set; }

    /// <summary>When the job may try a failed day again.</summary>
    public DateTime? NextAttemptAt { get; set; }

    /// <summary>Alipay had no statement for the day (nothing happened, as the books agree).</summary>
    public bool NoStatement { get; set; }

    public int StatementRows { get; set; }
    public int MatchedCount { get; set; }
    public int MismatchCount { get; set; }

    /// <summary>Payments and refunds of the day in Alipay's statement.</summary>
    public decimal AlipayIncome { get; set; }
    public decimal AlipayRefunds { get; set; }

    /// <summary>Payments (by payment time) and completed refunds of the day in the shop's books.</summary>
    public decimal ShopIncome { get; set; }
    public decimal ShopRefunds { get; set; }
}

/// <summary>One difference found on a day, with the amounts each side has.</summary>
public sealed class ReconciliationMismatch
{
    public long Id { get; set; }
    public int DayId { get; set; }
    public MismatchKind Kind { get; set; }
    public required string OutTradeNo { get; set; }
    public string? TradeNo { get; set; }
    public string? OutRequestNo { get; set; }
    public decimal? AlipayAmount { get; set; }
    public decimal? ShopAmount { get; set; }

    /// <summary>The shop has an order with that number (one Alipay's statement names may belong to another app).</summary>
    public bool OrderKnown { get; set; }

    public required string Detail { get; set; }

    /// <summary>Set when "paid at Alipay but unpaid here" was repaired through <c>alipay.trade.query</c>.</summary>
    public DateTime? RepairedAt { get; set; }
    public string? RepairedBy { get; set; }

    /// <summary>Only "paid at Alipay, unpaid here" for a known order can be repaired, and only through Alipay's own word.</summary>
    public bool IsRepairable => Kind == MismatchKind.PaidAtAlipayOnly && OrderKnown && RepairedAt is null;
}

internal sealed class ReconciliationConfiguration : IEntityTypeConfiguration<ReconciliationDay>, IEntityTypeConfiguration<ReconciliationMismatch>
{
    public void Configure(EntityTypeBuilder<ReconciliationDay> b)
    {
        b.HasIndex(x => x.Date).IsUnique();
        b.Property(x => x.LastRunBy).HasMaxLength(256);
        b.Property(x => x.Error).HasMaxLength(1024);
    }

    public void Configure(EntityTypeBuilder<ReconciliationMismatch> b)
    {
        b.Property(x => x.OutTradeNo).HasMaxLength(64);
        b.Property(x => x.TradeNo).HasMaxLength(64);
        b.Property(x => x.OutRequestNo).HasMaxLength(64);
        b.Property(x => x.Detail).HasMaxLength(512);
        b.Property(x => x.RepairedBy).HasMaxLength(256);
        b.Ignore(x => x.IsRepairable);
        b.HasIndex(x => new { x.DayId, x.Kind });
        b.HasOne<ReconciliationDay>().WithMany().HasForeignKey(x => x.DayId).OnDelete(DeleteBehavior.Cascade);
    }
}
