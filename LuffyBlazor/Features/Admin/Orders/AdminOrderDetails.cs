using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Orders;

public sealed record AdminOrderLine(int CourseId, string CourseName, decimal Price, decimal RealPrice);

public sealed record BuyerView(string UserId, string UserName, string? Email);

public sealed record StatusChangeView(OrderStatus? From, OrderStatus To, string Actor, string? Reason, DateTime At);

public sealed record RefundView(
    string OutRequestNo, decimal Amount, string Reason, RefundStatus Status, string RequestedBy, DateTime RequestedAt,
    DateTime? CompletedAt, decimal? RefundedTotal, string? LastError, int Attempts);

/// <summary>Everything the admin order page shows about one order, from the database.</summary>
public sealed record AdminOrderDetail(
    string OutTradeNo, string Subject, decimal TotalAmount, OrderStatus Status, PayType PayType, DateTime CreatedAt, DateTime ExpiresAt,
    DateTime? PayTime, string? TradeNo, string? AlipayBuyerId, bool PaidAfterClose, bool DuplicatePurchase, bool TradeNoConflict,
    DateTime? ClosedAt, string? CloseReason,
    decimal RefundedAmount, DateTime? RefundedAt, BuyerView Buyer, IReadOnlyList<AdminOrderLine> Lines,
    IReadOnlyList<StatusChangeView> History, IReadOnlyList<NotifyRow> Notifies, IReadOnlyList<RefundView> Refunds,
    IReadOnlyList<AuditView> Audit)
{
    public RefundView? PendingRefund => Refunds.FirstOrDefault(r => r.Status == RefundStatus.Pending);

    /// <summary>What may still be refunded: nothing unless paid, and nothing while a refund's result is unknown.</summary>
    public decimal Refundable => Status == OrderStatus.Paid && PendingRefund is null ? TotalAmount - RefundedAmount : 0m;

    public bool CanClose => Status == OrderStatus.Unpaid;

    /// <summary>Worth asking the provider about: anything not yet settled as paid and refunded.</summary>
    public bool CanSync => Status != OrderStatus.Refunded;
}

public sealed class AdminOrderDetails(IDbContextFactory<LuffyDbContext> dbFactory, NotifyLogQuery notifies, AdminAuditLog audit)
{
    public async Task<AdminOrderDetail?> FindAsync(string outTradeNo, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().Include(o => o.User).Include(o => o.Details)
            .FirstOrDefaultAsync(o => o.OutTradeNo == outTradeNo, ct);
        if (order is null)
        {
            return null;
        }

        var history = await db.OrderStatusChanges.AsNoTracking().Where(c => c.OrderId == order.Id).OrderBy(c => c.Id)
            .Select(c => new StatusChangeView(c.From, c.To, c.Actor, c.Reason, c.At)).ToListAsync(ct);
        var refunds = await db.OrderRefunds.AsNoTracking().Where(r => r.OrderId == order.Id).OrderBy(r => r.Id)
            .Select(r => new RefundView(r.OutRequestNo, r.Amount, r.Reason, r.Status, r.RequestedBy, r.RequestedAt, r.CompletedAt,
                r.RefundedTotal, r.LastError, r.Attempts))
            .ToListAsync(ct);
        return new AdminOrderDetail(
            order.OutTradeNo, order.Subject, order.TotalAmount, order.Status, order.PayType, order.CreatedAt, order.ExpiresAt, order.PayTime,
            order.TradeNo, order.BuyerId, order.PaidAfterClose, order.DuplicatePurchase, order.TradeNoConflict, order.ClosedAt, order.CloseReason,
            order.RefundedAmount, order.RefundedAt,
            new BuyerView(order.UserId, order.User?.UserName ?? order.UserId, order.User?.Email),
            order.Details.OrderBy(d => d.Id).Select(d => new AdminOrderLine(d.CourseId, d.CourseName, d.Price, d.RealPrice)).ToList(),
            history, await notifies.ForOrderAsync(outTradeNo, ct), refunds, await audit.ForTargetAsync(AuditTargets.Order(outTradeNo), ct: ct));
    }
}
