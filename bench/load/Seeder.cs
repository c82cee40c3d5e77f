using LuffyBlazor.Data;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Load;

/// <summary>Puts learners and unpaid orders straight into the app's database (what the scenarios start from).</summary>
public static class Seeder
{
    public static async Task<List<(int Id, decimal Price)>> CoursesAsync(LoadEnvironment environment)
    {
        await using var db = environment.OpenDatabase();
        return (await db.Courses.AsNoTracking().Where(c => c.IsOnSale).OrderBy(c => c.Id).Select(c => new { c.Id, c.Price }).ToListAsync())
            .Select(c => (c.Id, c.Price)).ToList();
    }

    /// <summary>Learners who use the API with JWTs the tool mints (they never log in with a password).</summary>
    public static async Task<List<ApplicationUser>> LearnersAsync(LoadEnvironment environment, int count, string prefix)
    {
        var now = DateTime.UtcNow;
        var batch = Guid.NewGuid().ToString("N")[..6]; // each round its own learners
        var users = Enumerable.Range(0, count).Select(i => new ApplicationUser
        {
            UserName = $"{prefix}{batch}{i:D5}",
            NormalizedUserName = $"{prefix}{batch}{i:D5}".ToUpperInvariant(),
            SecurityStamp = Guid.NewGuid().ToString("N"),
            CreatedAt = now,
        }).ToList();
        await using var db = environment.OpenDatabase();
        db.Users.AddRange(users);
        await db.SaveChangesAsync();
        return users;
    }

    /// <summary>One unpaid single-course order per (learner, course) pair, so each payment grants exactly one course.</summary>
    public static async Task<List<Order>> UnpaidOrdersAsync(LoadEnvironment environment, IReadOnlyList<ApplicationUser> users, IReadOnlyList<(int Id, decimal Price)> courses, int count, PayType payType = PayType.Alipay)
    {
        var now = DateTime.UtcNow;
        var orders = Enumerable.Range(0, count).Select(i =>
        {
            var (courseId, price) = courses[i % courses.Count];
            return Order.Place(
                OrderNumbers.New(TimeProvider.System), users[i / courses.Count].Id, $"路飞学城-负载测试 {courseId}", payType,
                courseId.ToString(), now, TimeSpan.FromHours(1), [OrderDetail.For(courseId, $"课程 {courseId}", price)]);
        }).ToList();
        await using var db = environment.OpenDatabase();
        foreach (var chunk in orders.Chunk(500))
        {
            db.Orders.AddRange(chunk);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        return orders;
    }
}
