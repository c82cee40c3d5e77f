using System.Globalization;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders;

namespace LuffyBlazor.Features.Admin.Demo;

public sealed record DemoCourse(int Id, string Name, decimal Price);

public sealed record DemoLine(int CourseId, string CourseName, decimal Price);

/// <summary>A made-up order and what happened to it, ready to be written.</summary>
public sealed record DemoOrder(
    string OutTradeNo, int UserIndex, string Subject, decimal Total, OrderStatus Status, DateTime CreatedAt, DateTime? PayTime,
    string? TradeNo, string? BuyerId, bool PaidAfterClose, DateTime? ClosedAt, string? CloseReason, DateTime? RefundedAt,
    IReadOnlyList<DemoLine> Lines, string? RejectedNotifyReason);

/// <summary>
/// Makes plausible orders for the demo and the benchmark: spread over the last half year, most paid, some timed
/// out, cancelled or refunded, a few paid after they were closed, a few with a rejected notify. A learner never
/// pays twice for a course (the shop refuses that), so what each learner owns is tracked.
/// </summary>
public sealed class DemoOrderMaker(IReadOnlyList<DemoCourse> courses, int userCount, DateTime nowUtc, int seed)
{
    public const string OrderPrefix = "DEMO";
    public static readonly TimeSpan History = TimeSpan.FromDays(180);

    private static readonly string[] RejectionReasons =
    [
        "signature does not verify with Alipay's public key",
        "app_id 2021000000009999 is not ours",
        "total_amount 0.01 does not match the order total",
        "unknown out_trade_no",
    ];

    private readonly Random random = new(seed);
    private readonly HashSet<(int User, int Course)> owned = [];

    /// <summary>Call once per user and course a learner already owns, before making orders.</summary>
    public void MarkOwned(int userIndex, int courseId) => owned.Add((userIndex, courseId));

    public DemoOrder Next(int sequence)
    {
        var user = random.Next(userCount);
        var created = nowUtc - TimeSpan.FromSeconds(random.NextDouble() * History.TotalSeconds);
        var lines = PickCourses(user);
        var roll = random.NextDouble();
        var status = created > nowUtc - TimeSpan.FromMinutes(15) ? OrderStatus.Unpaid
            : roll < 0.75 ? OrderStatus.Paid
            : roll < 0.87 ? OrderStatus.TimedOut
            : roll < 0.95 ? OrderStatus.Cancelled
            : OrderStatus.Refunded;
        // A learner who already owns every picked course cannot pay for them again: that order timed out instead.
        if (status is OrderStatus.Paid or OrderStatus.Refunded && lines.Any(l => owned.Contains((user, l.CourseId))))
        {
            status = OrderStatus.TimedOut;
        }

        var paidAfterClose = status == OrderStatus.Paid && random.NextDouble() < 0.003;
        var paid = status is OrderStatus.Paid or OrderStatus.Refunded;
        var payTime = paid ? created + TimeSpan.FromSeconds(random.Next(20, paidAfterClose ? 3600 : 840)) : (DateTime?)null;
        if (status == OrderStatus.Paid)
        {
            foreach (var line in lines)
            {
                owned.Add((user, line.CourseId));
            }
        }

        var closedAt = status switch
        {
            OrderStatus.TimedOut => created + TimeSpan.FromMinutes(16),
            OrderStatus.Cancelled => created + TimeSpan.FromSeconds(random.Next(30, 800)),
            _ when paidAfterClose => created + TimeSpan.FromMinutes(16),
            _ => (DateTime?)null,
        };
        return new DemoOrder(
            OutTradeNo: OrderPrefix + created.Add(BeijingTime.Offset).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)
                        + sequence.ToString("X8", CultureInfo.InvariantCulture) + random.Next().ToString("X8", CultureInfo.InvariantCulture),
            UserIndex: user,
            Subject: OrderWriter.DefaultSubject(lines.Select(l => l.CourseName).ToList()),
            Total: lines.Sum(l => l.Price),
            Status: status,
            CreatedAt: created,
            PayTime: payTime,
            TradeNo: paid ? "2026" + random.NextInt64(1_000_000_000_000, 9_999_999_999_999).ToString(CultureInfo.InvariantCulture)
                            + random.NextInt64(10_000_000_000, 99_999_999_999).ToString(CultureInfo.InvariantCulture) : null,
            BuyerId: paid ? "2088" + random.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture) : null,
            PaidAfterClose: paidAfterClose,
            ClosedAt: closedAt,
            CloseReason: status switch
            {
                OrderStatus.TimedOut => "超过支付期限未付款",
                OrderStatus.Cancelled => "买家取消",
                _ when paidAfterClose => "超过支付期限未付款",
                _ => null,
            },
            RefundedAt: status == OrderStatus.Refunded ? Min(payTime!.Value + TimeSpan.FromDays(random.Next(1, 7)), nowUtc) : null,
            Lines: lines,
            RejectedNotifyReason: random.NextDouble() < 0.005 ? RejectionReasons[random.Next(RejectionReasons.Length)] : null);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private List<DemoLine> PickCourses(int user)
    {
        var count = random.NextDouble() switch { < 0.7 => 1, < 0.92 => 2, _ => 3 };
        var picked = new List<DemoLine>(count);
        for (var attempt = 0; picked.Count < count && attempt < 10; attempt++)
        {
            var course = courses[random.Next(courses.Count)];
            if (picked.All(l => l.CourseId != course.Id) && (attempt >= 5 || !owned.Contains((user, course.Id))))
            {
                picked.Add(new DemoLine(course.Id, course.Name, course.Price));
            }
        }

        return picked.OrderBy(l => l.CourseId).ToList();
    }
}
