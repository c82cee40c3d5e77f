using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

public sealed record CartLine(int CourseId, string Name, decimal Price, string? Cover, bool IsOnSale);

/// <summary>A learner's shopping cart, kept in the database so it follows them across devices.</summary>
public sealed class Cart(IDbContextFactory<LuffyDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<CartLine>> GetLinesAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CartItems.AsNoTracking().Where(x => x.UserId == userId)
            .OrderBy(x => x.AddedAt).ThenBy(x => x.Id)
            .Select(x => new CartLine(x.CourseId, x.Course!.Name, x.Course.Price, x.Course.Cover, x.Course.IsOnSale))
            .ToListAsync(ct);
    }

    public async Task<int> CountAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CartItems.CountAsync(x => x.UserId == userId, ct);
    }

    public async Task<bool> ContainsAsync(string userId, int courseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CartItems.AnyAsync(x => x.UserId == userId && x.CourseId == courseId, ct);
    }

    /// <summary>Adds a course; adding it twice keeps one line. Returns false for an unknown course.</summary>
    public async Task<bool> AddAsync(string userId, int courseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Courses.AnyAsync(c => c.Id == courseId, ct))
        {
            return false;
        }

        if (!await db.CartItems.AnyAsync(x => x.UserId == userId && x.CourseId == courseId, ct))
        {
            db.CartItems.Add(new CartItem { UserId = userId, CourseId = courseId, AddedAt = clock.GetUtcNow().UtcDateTime });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Added by a second tab at the same moment: the unique index kept one line, which is what we want.
                if (!await db.CartItems.AsNoTracking().AnyAsync(x => x.UserId == userId && x.CourseId == courseId, ct))
                {
                    throw;
                }
            }
        }

        return true;
    }

    public async Task RemoveAsync(string userId, IReadOnlyCollection<int> courseIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.CartItems.Where(x => x.UserId == userId && courseIds.Contains(x.CourseId)).ExecuteDeleteAsync(ct);
    }
}
