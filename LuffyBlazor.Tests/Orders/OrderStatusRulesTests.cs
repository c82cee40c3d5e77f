using LuffyBlazor.Features.Orders;

namespace LuffyBlazor.Tests.Orders;

/// <summary>The order's state rules on their own: no database, no app.</summary>
public sealed class OrderStatusRulesTests
{
    private static readonly OrderStatus[] All = Enum.GetValues<OrderStatus>();

    /// <summary>Every edge the contract allows; <see cref="Every_other_change_is_refused"/> checks that nothing else is.</summary>
    public static TheoryData<OrderStatus, OrderStatus> AllowedChanges => new()
    {
        { OrderStatus.Unpaid, OrderStatus.Paid },
        { OrderStatus.Unpaid, OrderStatus.Cancelled },
        { OrderStatus.Unpaid, OrderStatus.TimedOut },
        { OrderStatus.Cancelled, OrderStatus.Paid },
        { OrderStatus.TimedOut, OrderStatus.Paid },
        { OrderStatus.Paid, OrderStatus.Refunded },
    };

    [Theory]
    [MemberData(nameof(AllowedChanges))]
    public void Each_change_the_contract_names_is_allowed(OrderStatus from, OrderStatus to)
    {
        Assert.True(OrderStatusRules.CanMove(from, to));
    }

    [Fact]
    public void Every_other_change_is_refused()
    {
        var allowed = AllowedChanges.Select(row => ((OrderStatus)row[0], (OrderStatus)row[1])).ToHashSet();

        foreach (var from in All)
        {
            foreach (var to in All.Where(to => !allowed.Contains((from, to))))
            {
                Assert.False(OrderStatusRules.CanMove(from, to), $"{from} → {to} must be refused");
            }
        }
    }

    [Fact]
    public void Nothing_returns_to_unpaid_a_refunded_order_is_final_and_no_status_moves_to_itself()
    {
        Assert.Empty(OrderStatusRules.From(OrderStatus.Unpaid));
        Assert.All(All, to => Assert.False(OrderStatusRules.CanMove(OrderStatus.Refunded, to)));
        Assert.All(All, status => Assert.False(OrderStatusRules.CanMove(status, status)));
    }

    [Fact]
    public void The_statuses_each_change_starts_from_come_from_the_table()
    {
        Assert.Equal([OrderStatus.Unpaid, OrderStatus.Cancelled, OrderStatus.TimedOut], OrderStatusRules.From(OrderStatus.Paid));
        Assert.Equal([OrderStatus.Unpaid], OrderStatusRules.From(OrderStatus.Cancelled));
        Assert.Equal([OrderStatus.Unpaid], OrderStatusRules.From(OrderStatus.TimedOut));
        Assert.Equal([OrderStatus.Paid], OrderStatusRules.From(OrderStatus.Refunded));
    }

    [Theory]
    [InlineData(OrderStatus.Unpaid, false)]
    [InlineData(OrderStatus.Cancelled, true)]
    [InlineData(OrderStatus.TimedOut, true)]
    [InlineData(OrderStatus.Paid, false)]
    [InlineData(OrderStatus.Refunded, false)]
    public void Money_finding_a_closed_order_is_a_late_payment(OrderStatus found, bool late)
    {
        Assert.Equal(late, OrderStatusRules.IsLatePayment(found));
    }

    [Theory]
    [InlineData(OrderStatus.Paid, true)]
    [InlineData(OrderStatus.Unpaid, false)]
    [InlineData(OrderStatus.Cancelled, false)]
    [InlineData(OrderStatus.TimedOut, false)]
    [InlineData(OrderStatus.Refunded, false)]
    public void Only_a_paid_order_can_be_refunded(OrderStatus status, bool refundable)
    {
        Assert.Equal(refundable, OrderStatusRules.IsRefundable(status));
    }

    [Fact]
    public void A_placed_order_is_unpaid_totals_its_lines_and_expires_after_the_payment_timeout()
    {
        var now = new DateTime(2026, 11, 25, 2, 0, 0, DateTimeKind.Utc);

        var order = Order.Place("T2026112510000012345", "user-1", "路飞学城-Python 等2门课程", PayType.Alipay, "1,7", now, TimeSpan.FromMinutes(15),
            [OrderDetail.For(1, "Python", 198.00m), OrderDetail.For(7, "Shell", 59.00m)]);

        Assert.Equal((OrderStatus.Unpaid, 257.00m), (order.Status, order.TotalAmount));
        Assert.Equal((now, now, now.AddMinutes(15)), (order.CreatedAt, order.UpdatedAt, order.ExpiresAt));
        Assert.Equal([(1, 198.00m), (7, 59.00m)], order.Details.Select(d => (d.CourseId, d.RealPrice)));
        Assert.Equal("1,7", order.PurchaseKey);
        Assert.Null(order.TradeNo);
        Assert.False(order.PaidAfterClose);
    }

    [Fact]
    public void An_order_without_lines_cannot_be_placed()
    {
        Assert.Throws<ArgumentException>(() =>
            Order.Place("T1", "user-1", "s", PayType.Alipay, "", DateTime.UtcNow, TimeSpan.FromMinutes(15), []));
    }

    [Fact]
    public void Nothing_outside_the_order_can_set_its_state()
    {
        var settable = typeof(Order).GetProperties().Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name);

        Assert.Empty(settable);
    }
}
