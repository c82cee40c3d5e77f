namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Which status an <see cref="Order"/> may go to from which: the one place that says so. <see cref="OrderTransitions"/>
/// builds its compare-and-set updates from this table (the statuses an update may start from are the table's), so an
/// order never moves along an edge that is not here, however many callers race.
/// </summary>
public static class OrderStatusRules
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Allowed = new()
    {
        [OrderStatus.Unpaid] = [OrderStatus.Paid, OrderStatus.Cancelled, OrderStatus.TimedOut],
        // The money arrived after the order was closed here: it was taken, so it is recorded (and flagged).
        [OrderStatus.Cancelled] = [OrderStatus.Paid],
        [OrderStatus.TimedOut] = [OrderStatus.Paid],
        [OrderStatus.Paid] = [OrderStatus.Refunded],
        [OrderStatus.Refunded] = [],
    };

    /// <summary>True when an order with status <paramref name="from"/> may change to <paramref name="to"/>.</summary>
    public static bool CanMove(OrderStatus from, OrderStatus to) => Allowed.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>Every status an order may reach <paramref name="to"/> from, in the enum's order.</summary>
    public static IReadOnlyList<OrderStatus> From(OrderStatus to) =>
        Enum.GetValues<OrderStatus>().Where(from => CanMove(from, to)).ToList();

    /// <summary>A payment that finds the order in this status arrived after it was closed: an admin must look at it.</summary>
    public static bool IsLatePayment(OrderStatus from) => from != OrderStatus.Unpaid && CanMove(from, OrderStatus.Paid);

    /// <summary>Money can be refunded (in part or in full) only while the order may still become refunded.</summary>
    public static bool IsRefundable(OrderStatus status) => CanMove(status, OrderStatus.Refunded);
}
