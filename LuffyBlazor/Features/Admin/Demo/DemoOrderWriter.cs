using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.Alipay;

namespace LuffyBlazor.Features.Admin.Demo;

/// <summary>
/// Writes demo orders with everything the real flow would have left behind: lines, status history, course
/// ownership, the accepted notify (and now and then a rejected one), and the refund of a refunded order.
/// </summary>
internal sealed class DemoOrderWriter : IDisposable
{
    private const string DemoAppId = "2021000000000001";
    private readonly IReadOnlyList<string> userIds;
    private readonly BulkInsert orders;
    private readonly BulkInsert details;
    private readonly BulkInsert history;
    private readonly BulkInsert ownerships;
    private readonly BulkInsert notifies;
    private readonly BulkInsert refunds;

    public DemoOrderWriter(LuffyDbContext db, DbTransaction transaction, IReadOnlyList<string> userIds)
    {
        this.userIds = userIds;
        orders = BulkInsert.For<Order>(db, transaction, returnId: true,
            nameof(Order.OutTradeNo), nameof(Order.UserId), nameof(Order.Subject), nameof(Order.TotalAmount), nameof(Order.PayType),
            nameof(Order.Status), nameof(Order.PurchaseKey), nameof(Order.ExpiresAt), nameof(Order.TradeNo), nameof(Order.PayTime),
            nameof(Order.BuyerId), nameof(Order.PaidAfterClose), nameof(Order.ClosedAt), nameof(Order.CloseReason),
            nameof(Order.RefundedAmount), nameof(Order.RefundedAt), nameof(Order.Version), nameof(Order.CreatedAt), nameof(Order.UpdatedAt));
        details = BulkInsert.For<OrderDetail>(db, transaction, returnId: false,
            nameof(OrderDetail.OrderId), nameof(OrderDetail.CourseId), nameof(OrderDetail.CourseName), nameof(OrderDetail.Price),
            nameof(OrderDetail.RealPrice));
        history = BulkInsert.For<OrderStatusChange>(db, transaction, returnId: false,
            nameof(OrderStatusChange.OrderId), nameof(OrderStatusChange.From), nameof(OrderStatusChange.To), nameof(OrderStatusChange.Actor),
            nameof(OrderStatusChange.Reason), nameof(OrderStatusChange.At));
        ownerships = BulkInsert.For<CourseOwnership>(db, transaction, returnId: false,
            nameof(CourseOwnership.UserId), nameof(CourseOwnership.CourseId), nameof(CourseOwnership.OrderId), nameof(CourseOwnership.GrantedAt));
        notifies = BulkInsert.For<NotifyLog>(db, transaction, returnId: false,
            nameof(NotifyLog.ReceivedAt), nameof(NotifyLog.OutTradeNo), nameof(NotifyLog.NotifyId), nameof(NotifyLog.TradeStatus),
            nameof(NotifyLog.Verdict), nameof(NotifyLog.Reason), nameof(NotifyLog.RawParameters), nameof(NotifyLog.RemoteIp),
            nameof(NotifyLog.Provider));
        refunds = BulkInsert.For<OrderRefund>(db, transaction, returnId: false,
            nameof(OrderRefund.OrderId), nameof(OrderRefund.OutRequestNo), nameof(OrderRefund.Amount), nameof(OrderRefund.Reason),
            nameof(OrderRefund.Status), nameof(OrderRefund.RequestedBy), nameof(OrderRefund.RequestedAt), nameof(OrderRefund.CompletedAt),
            nameof(OrderRefund.RefundedTotal), nameof(OrderRefund.Attempts));
    }

    /// <summary>Writes one order; counts the learners it adds to each course into <paramref name="students"/>.</summary>
    public void Write(DemoOrder o, Dictionary<int, int> students)
    {
        var userId = userIds[o.UserIndex];
        var changes = History(o);
        var refunded = o.Status == OrderStatus.Refunded ? o.Total : 0m;
        var id = (int)orders.Insert(
            o.OutTradeNo, userId, o.Subject, o.Total, PayType.Alipay, o.Status, string.Join(',', o.Lines.Select(l => l.CourseId)),
            o.CreatedAt + TimeSpan.FromMinutes(15), o.TradeNo, o.PayTime, o.BuyerId, o.PaidAfterClose, o.ClosedAt, o.CloseReason,
            refunded, o.RefundedAt, changes.Count - 1, o.CreatedAt, changes[^1].At);

        foreach (var line in o.Lines)
        {
            details.Insert(id, line.CourseId, line.CourseName, line.Price, line.Price);
            if (o.Status == OrderStatus.Paid)
            {
                ownerships.Insert(userId, line.CourseId, id, o.PayTime);
                students[line.CourseId] = students.GetValueOrDefault(line.CourseId) + 1;
            }
        }

        foreach (var change in changes)
        {
            history.Insert(id, change.From, change.To, change.Actor, change.Reason, change.At);
        }

        if (o.PayTime is { } paid)
        {
            notifies.Insert(paid.AddSeconds(2), o.OutTradeNo, NotifyId(), "TRADE_SUCCESS", NotifyVerdict.Accepted, "marked paid",
                RawNotify(o, DemoAppId), "110.75.242.7", "Alipay");
        }

        if (o.RejectedNotifyReason is { } reason)
        {
            var at = (o.PayTime ?? o.CreatedAt).AddSeconds(1);
            var appId = reason.StartsWith("app_id", StringComparison.Ordinal) ? "2021000000009999" : DemoAppId;
            notifies.Insert(at, o.OutTradeNo, NotifyId(), "TRADE_SUCCESS", NotifyVerdict.Rejected, reason, RawNotify(o, appId), "203.0.113.9", "Alipay");
        }

        if (o.Status == OrderStatus.Refunded)
        {
            refunds.Insert(id, OrderRefunds.OutRequestNo(o.OutTradeNo, 1), o.Total, "演示退款：学员申请", RefundStatus.Succeeded, "admin",
                o.RefundedAt, o.RefundedAt, o.Total, 1);
        }
    }

    private static List<(OrderStatus? From, OrderStatus To, string Actor, string? Reason, DateTime At)> History(DemoOrder o)
    {
        var changes = new List<(OrderStatus?, OrderStatus, string, string?, DateTime)> { (null, OrderStatus.Unpaid, "learner", null, o.CreatedAt) };
        if (o.PaidAfterClose)
        {
            changes.Add((OrderStatus.Unpaid, OrderStatus.TimedOut, "sweeper", o.CloseReason, o.ClosedAt!.Value));
            changes.Add((OrderStatus.TimedOut, OrderStatus.Paid, "alipay-notify", "付款到达时订单已是超时取消状态，需人工处理", o.PayTime!.Value));
        }
        else if (o.PayTime is { } paid)
        {
            changes.Add((OrderStatus.Unpaid, OrderStatus.Paid, "alipay-notify", null, paid));
        }

        switch (o.Status)
        {
            case OrderStatus.TimedOut:
                changes.Add((OrderStatus.Unpaid, OrderStatus.TimedOut, "sweeper", o.CloseReason, o.ClosedAt!.Value));
                break;
            case OrderStatus.Cancelled:
                changes.Add((OrderStatus.Unpaid, OrderStatus.Cancelled, "learner", o.CloseReason, o.ClosedAt!.Value));
                break;
            case OrderStatus.Refunded:
                changes.Add((OrderStatus.Paid, OrderStatus.Refunded, "admin:admin", "演示退款：学员申请", o.RefundedAt!.Value));
                break;
        }

        return changes;
    }

    private static string NotifyId() => "2026" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    /// <summary>A notify's parameters as Alipay sends them (the signature is random bytes: these were never signed).</summary>
    private static string RawNotify(DemoOrder o, string appId)
    {
        var amount = Money.Format(o.Total);
        return JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["gmt_create"] = o.CreatedAt.Add(BeijingTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["gmt_payment"] = o.PayTime?.Add(BeijingTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["notify_type"] = "trade_status_sync",
            ["out_trade_no"] = o.OutTradeNo,
            ["trade_no"] = o.TradeNo,
            ["trade_status"] = "TRADE_SUCCESS",
            ["total_amount"] = amount,
            ["receipt_amount"] = amount,
            ["buyer_id"] = o.BuyerId,
            ["subject"] = o.Subject,
            ["app_id"] = appId,
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["sign_type"] = "RSA2",
            ["sign"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(256)),
        });
    }

    public void Dispose()
    {
        orders.Dispose();
        details.Dispose();
        history.Dispose();
        ownerships.Dispose();
        notifies.Dispose();
        refunds.Dispose();
    }
}
