using LuffyBlazor.Data;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Courses;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuffyBlazor.Features.Orders;

/// <summary>The contract's <c>order_status</c> values.</summary>
public enum OrderStatus
{
    Unpaid = 0,
    Paid = 1,
    Cancelled = 2,
    TimedOut = 3,
    Refunded = 4,
}

/// <summary>The contract's <c>pay_type</c> values.</summary>
public enum PayType
{
    Alipay = 1,
    WeChat = 2,
}

/// <summary>
/// One purchase. It is created only by <see cref="Place"/>, unpaid; nothing outside it sets its properties. Its
/// status then changes only through <see cref="OrderTransitions"/>, along the edges of <see cref="OrderStatusRules"/>,
/// by conditional updates (<c>WHERE status = ...</c>), so a change from the wrong state is refused and two racing
/// changes leave one result. <see cref="Version"/> guards tracked edits.
/// </summary>
public sealed class Order : IAuditable
{
    /// <summary>The subject column's length, and Alipay's limit for a subject.</summary>
    public const int MaxSubjectLength = 256;

    private Order()
    {
    }

    /// <summary>A new unpaid order for <paramref name="lines"/>, payable for <paramref name="paymentTimeout"/> from <paramref name="now"/>.</summary>
    public static Order Place(
        string outTradeNo, string userId, string subject, PayType payType, string purchaseKey, DateTime now, TimeSpan paymentTimeout,
        IEnumerable<OrderDetail> lines)
    {
        var details = lines.ToList();
        if (details.Count == 0)
        {
            throw new ArgumentException("An order has at least one line.", nameof(lines));
        }

        return new Order
        {
            OutTradeNo = outTradeNo,
            UserId = userId,
            Subject = subject,
            TotalAmount = details.Sum(d => d.RealPrice),
            PayType = payType,
            Status = OrderStatus.Unpaid,
            PurchaseKey = purchaseKey,
            CreatedAt = now, // the same instant as the deadline, so the order lives exactly the payment timeout
            UpdatedAt = now,
            ExpiresAt = now + paymentTimeout,
            Details = details,
        };
    }

    public int Id { get; private set; }
    public string OutTradeNo { get; private set; } = null!;
    public string UserId { get; private set; } = null!;
    public ApplicationUser? User { get; private set; }
    public string Subject { get; private set; } = null!;
    public decimal TotalAmount { get; private set; }
    public PayType PayType { get; private set; } = PayType.Alipay;
    public OrderStatus Status { get; private set; }

    /// <summary>Sorted course ids ("3,7,12"): finds the live unpaid order when Buy is pressed twice.</summary>
    public string PurchaseKey { get; private set; } = null!;

    public DateTime ExpiresAt { get; private set; }

    /// <summary>The payment provider's trade number, recorded on payment.</summary>
    public string? TradeNo { get; private set; }

    /// <summary>When the provider says it was paid (Alipay's <c>gmt_payment</c>).</summary>
    public DateTime? PayTime { get; private set; }

    public string? BuyerId { get; private set; }

    /// <summary>The money arrived after the order was cancelled or timed out: an admin should look at it.</summary>
    public bool PaidAfterClose { get; private set; }

    /// <summary>
    /// Paid for a course the learner already owned (another of their unpaid orders for it was paid first): the money
    /// was taken twice for one course, and an admin should refund.
    /// </summary>
    public bool DuplicatePurchase { get; private set; }

    /// <summary>
    /// A payment for this order came with a provider trade number already recorded on another order. One trade pays
    /// one order, so this is a forged notify or a bug: the payment was not applied, and an admin should look.
    /// </summary>
    public bool TradeNoConflict { get; private set; }

    public DateTime? ClosedAt { get; private set; }
    public string? CloseReason { get; private set; }
    public decimal RefundedAmount { get; private set; }
    public DateTime? RefundedAt { get; private set; }

    /// <summary>Until when one sweeper instance owns this order (so two instances never handle it twice).</summary>
    public DateTime? SweepClaimedUntil { get; private set; }

    public int Version { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public List<OrderDetail> Details { get; private set; } = [];

    /// <summary>
    /// Records a confirmed payment on the tracked order: it becomes paid, flagged when the money came after it was
    /// closed or for a course the learner already owned. Saving it is a compare-and-set on <see cref="Version"/>, so
    /// a change made meanwhile by anyone else fails the save instead of being overwritten.
    /// </summary>
    /// <param name="paidWith">The provider the money came through: the order's pay type becomes it (an order switched away from it is paid there after all).</param>
    public void RecordPayment(string? tradeNo, DateTime payTime, string? buyerId, bool duplicatePurchase, DateTime now, PayType? paidWith = null)
    {
        if (!OrderStatusRules.CanMove(Status, OrderStatus.Paid))
        {
            throw new InvalidOperationException($"Order {OutTradeNo} is {Status} and cannot become paid.");
        }

        PaidAfterClose = OrderStatusRules.IsLatePayment(Status);
        Status = OrderStatus.Paid;
        TradeNo = tradeNo;
        PayTime = payTime;
        BuyerId = buyerId;
        DuplicatePurchase = duplicatePurchase;
        PayType = paidWith ?? PayType;
        Touch(now);
    }

    /// <summary>A payment came with a trade number that already paid another order: flagged for an admin, not paid.</summary>
    public void FlagTradeNoConflict(DateTime now)
    {
        if (!TradeNoConflict)
        {
            TradeNoConflict = true;
            Touch(now);
        }
    }

    /// <summary>
    /// An order as a payment group reads it by hand (<see cref="PaymentGroup"/>): the columns a payment decides on and
    /// its update (<see cref="PaymentGroupWrites"/>) writes back. The rest (subject, deadline, refunds, lines) is not read.
    /// </summary>
    internal static Order ForPayment(
        int id, string outTradeNo, string userId, decimal totalAmount, PayType payType, OrderStatus status, string? tradeNo,
        DateTime? payTime, string? buyerId, (bool PaidAfterClose, bool DuplicatePurchase, bool TradeNoConflict) flags,
        int version, DateTime updatedAt) =>
        new()
        {
            Id = id, OutTradeNo = outTradeNo, UserId = userId, TotalAmount = totalAmount, PayType = payType, Status = status,
            TradeNo = tradeNo, PayTime = payTime, BuyerId = buyerId, PaidAfterClose = flags.PaidAfterClose,
            DuplicatePurchase = flags.DuplicatePurchase, TradeNoConflict = flags.TradeNoConflict, Version = version, UpdatedAt = updatedAt,
        };

    /// <summary>The order was inserted by hand (<see cref="OrderGroupInserts"/>) as <paramref name="id"/>: it and its lines carry that id, as after EF's save.</summary>
    internal void StoredAs(int id)
    {
        Id = id;
        foreach (var detail in Details)
        {
            detail.BelongsTo(id);
        }
    }

    private void Touch(DateTime now)
    {
        Version++;
        UpdatedAt = now;
    }

    // Stamped by the audit interceptor when a tracked order is saved.
    DateTime IAuditable.CreatedAt { get => CreatedAt; set => CreatedAt = value; }
    DateTime IAuditable.UpdatedAt { get => UpdatedAt; set => UpdatedAt = value; }
}

/// <summary>An order line: the course and its price as they were when the order was placed.</summary>
public sealed class OrderDetail
{
    private OrderDetail()
    {
    }

    /// <summary>A line at the course's price now; the learner pays that price (no discounts yet).</summary>
    public static OrderDetail For(int courseId, string courseName, decimal price) =>
        new() { CourseId = courseId, CourseName = courseName, Price = price, RealPrice = price };

    public int Id { get; private set; }
    public int OrderId { get; private set; }
    public int CourseId { get; private set; }

    internal void BelongsTo(int orderId) => OrderId = orderId;

    /// <summary>The line was inserted by hand (<see cref="OrderGroupInserts"/>) as <paramref name="id"/>.</summary>
    internal void StoredAs(int id) => Id = id;
    public Course? Course { get; private set; }
    public string CourseName { get; private set; } = null!;

    /// <summary>The course's list price at order time.</summary>
    public decimal Price { get; private set; }

    /// <summary>What the learner pays for this line.</summary>
    public decimal RealPrice { get; private set; }
}

/// <summary>A learner owns a course: written in the same transaction that marks the paying order paid.</summary>
public sealed class CourseOwnership
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public int CourseId { get; set; }
    public Course? Course { get; set; }
    public int OrderId { get; set; }
    public DateTime GrantedAt { get; set; }
}

/// <summary>Who or what changed an order's status, when and why: the order's history for admins.</summary>
public sealed class OrderStatusChange
{
    public long Id { get; set; }
    public int OrderId { get; set; }
    public Order? Order { get; set; }
    public OrderStatus? From { get; set; }
    public OrderStatus To { get; set; }

    /// <summary>"user:zhangsan", "alipay-notify", "alipay-query", "sweeper", "admin:wang"...</summary>
    public required string Actor { get; set; }

    public string? Reason { get; set; }
    public DateTime At { get; set; }
}

public sealed class CartItem
{
    public int Id { get; set; }
    public required string UserId { get; set; }
    public int CourseId { get; set; }
    public Course? Course { get; set; }
    public DateTime AddedAt { get; set; }
}

internal sealed class OrderConfiguration :
    IEntityTypeConfiguration<Order>, IEntityTypeConfiguration<OrderDetail>, IEntityTypeConfiguration<CourseOwnership>,
    IEntityTypeConfiguration<OrderStatusChange>, IEntityTypeConfiguration<CartItem>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.Property(x => x.OutTradeNo).HasMaxLength(64);
        b.HasIndex(x => x.OutTradeNo).IsUnique();
        b.Property(x => x.Subject).HasMaxLength(Order.MaxSubjectLength);
        b.Property(x => x.PurchaseKey).HasMaxLength(512);
        b.Property(x => x.TradeNo).HasMaxLength(64);
        b.HasIndex(x => x.TradeNo);
        b.Property(x => x.BuyerId).HasMaxLength(64);
        b.Property(x => x.CloseReason).HasMaxLength(256);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne(x => x.User).WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Details).WithOne().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        // My orders, newest first; the live unpaid order for the same courses; the sweeper's due orders. It carries
        // the status and amounts for the admin grid's user filter, whose totals are then read from the index alone.
        b.HasIndex(x => new { x.UserId, x.CreatedAt, x.Status, x.TotalAmount, x.RefundedAmount });
        // Every predicate of the live-order lookup (three equalities and the deadline's range): without statistics
        // SQLite's planner otherwise prefers (Status, ExpiresAt) and walks every unpaid order of the school on each Buy.
        b.HasIndex(x => new { x.UserId, x.PurchaseKey, x.Status, x.ExpiresAt });
        b.HasIndex(x => new { x.Status, x.ExpiresAt });
        // The admin orders grid and dashboard. The orderings the grid filters and sorts by carry the status and
        // amounts, so that counts and totals (of a filtered set, of a day's payments) are read from the index alone;
        // the rare flagged orders (paid after they were closed, paid twice for a course, a trade number reused) have
        // partial indexes; amount
        // sorting has its own.
        b.HasIndex(x => new { x.CreatedAt, x.Status, x.TotalAmount, x.RefundedAmount });
        b.HasIndex(x => new { x.Status, x.CreatedAt, x.TotalAmount, x.RefundedAmount });
        b.HasIndex(x => new { x.PayTime, x.Status, x.TotalAmount, x.RefundedAmount });
        b.HasIndex(x => new { x.CreatedAt, x.Status, x.TotalAmount, x.RefundedAmount }, "IX_Orders_PaidAfterClose").HasFilter("\"PaidAfterClose\"");
        b.HasIndex(x => new { x.CreatedAt, x.Status, x.TotalAmount, x.RefundedAmount }, "IX_Orders_DuplicatePurchase").HasFilter("\"DuplicatePurchase\"");
        b.HasIndex(x => new { x.CreatedAt, x.Status, x.TotalAmount, x.RefundedAmount }, "IX_Orders_TradeNoConflict").HasFilter("\"TradeNoConflict\"");
        b.HasIndex(x => x.TotalAmount);
    }

    public void Configure(EntityTypeBuilder<OrderDetail> b)
    {
        b.Property(x => x.CourseName).HasMaxLength(128);
        // A course's orders (the admin grid's course search) read from the index alone.
        b.HasIndex(x => new { x.CourseId, x.OrderId });
        b.HasOne(x => x.Course).WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<CourseOwnership> b)
    {
        b.HasIndex(x => new { x.UserId, x.CourseId }).IsUnique();
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Course).WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Order>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<OrderStatusChange> b)
    {
        b.Property(x => x.Actor).HasMaxLength(128);
        b.Property(x => x.Reason).HasMaxLength(512);
        b.HasIndex(x => x.OrderId);
        b.HasOne(x => x.Order).WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CartItem> b)
    {
        b.HasIndex(x => new { x.UserId, x.CourseId }).IsUnique();
        b.HasOne<ApplicationUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Course).WithMany().HasForeignKey(x => x.CourseId).OnDelete(DeleteBehavior.Cascade);
    }
}
