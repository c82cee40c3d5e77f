using System.Globalization;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Courses;

public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Folder of the media that seeding imports, relative to the content root.</summary>
    public string AssetsPath { get; set; } = "../wwwroot-assets";
}

/// <summary>
/// Puts the demo catalogue in an empty database and imports its media into the file store. Runs on every start:
/// a catalogue that exists is left alone, media already stored is not copied again.
/// </summary>
public sealed class CatalogueSeeder(
    LuffyDbContext db, IFileStore files, IOptions<SeedOptions> seedOptions, IOptions<DatabaseOptions> dbOptions,
    IHostEnvironment environment, ILogger<CatalogueSeeder> logger) : IDataSeeder
{
    public async Task SeedAsync(CancellationToken ct)
    {
        if (!dbOptions.Value.SeedCatalogue)
        {
            return;
        }

        await ImportMediaAsync(ct);
        if (await db.CourseCategories.AnyAsync(ct))
        {
            await SeparatePaidSeedVideosAsync(ct);
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.CourseCategories.AnyAsync(ct))
        {
            return; // another instance seeded while we waited for the write lock
        }

        var categories = CatalogueSeedData.Categories
            .Select((name, i) => new CourseCategory { Name = name, SortOrder = i })
            .ToDictionary(c => c.Name);
        var teachers = CatalogueSeedData.Teachers
            .Select(t => new Teacher { Name = t.Name, Title = t.Title, Brief = t.Brief, Avatar = t.Avatar })
            .ToDictionary(t => t.Name);

        var sortOrder = 0;
        foreach (var seed in CatalogueSeedData.Courses)
        {
            var chapters = seed.Chapters.Select(ParseChapter).ToList();
            foreach (var chapter in chapters)
            {
                foreach (var lesson in chapter.Lessons)
                {
                    lesson.VideoKey = CatalogueSeedData.LessonVideos.GetValueOrDefault((seed.Name, chapter.Number, lesson.Number));
                }
            }

            db.Courses.Add(new Course
            {
                Name = seed.Name,
                Brief = seed.Brief,
                Description = seed.Description,
                Level = seed.Level,
                Price = seed.Price,
                StudentsCount = seed.Students,
                Cover = seed.Cover,
                SortOrder = sortOrder += 10,
                Category = categories[seed.Category],
                Teacher = teachers[seed.Teacher],
                Chapters = chapters,
            });
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Seeded the demo catalogue: {Courses} courses in {Categories} categories",
            CatalogueSeedData.Courses.Length, categories.Count);
    }

    /// <summary>
    /// Catalogues seeded before every paid demo lesson had a clip of its own gave some paid lessons a free preview's
    /// file, so the signed URL of the preview opened them. Such a lesson, still on a free lesson's file, is moved to
    /// its own clip; anything an admin uploaded (a fresh key) is left alone. Matches nothing once done.
    /// </summary>
    private async Task SeparatePaidSeedVideosAsync(CancellationToken ct)
    {
        var freeKeys = await db.CourseLessons.Where(l => l.IsFreePreview && l.VideoKey != null).Select(l => l.VideoKey!).Distinct().ToListAsync(ct);
        foreach (var ((course, chapter, number), key) in CatalogueSeedData.LessonVideos.Where(v => !freeKeys.Contains(v.Value)))
        {
            var moved = await db.CourseLessons
                .Where(l => !l.IsFreePreview && l.Number == number && l.Chapter!.Number == chapter && freeKeys.Contains(l.VideoKey!)
                            && db.Courses.Any(c => c.Id == l.Chapter.CourseId && c.Name == course))
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.VideoKey, key), ct);
            if (moved > 0)
            {
                logger.LogInformation("Paid lesson {Course} {Chapter}-{Lesson} now plays its own clip {Key}", course, chapter, number, key);
            }
        }
    }

    /// <summary>"title|lesson~minutes*|..." → a chapter; '*' marks a free preview lesson.</summary>
    internal static CourseChapter ParseChapter(string spec, int index)
    {
        var parts = spec.Split('|');
        return new CourseChapter
        {
            Number = index + 1,
            Title = parts[0],
            Lessons = parts.Skip(1).Select((lesson, i) =>
            {
                var free = lesson.EndsWith('*');
                var text = lesson.TrimEnd('*');
                var tilde = text.LastIndexOf('~');
                var minutes = tilde < 0 ? 10 : int.Parse(text[(tilde + 1)..], CultureInfo.InvariantCulture);
                return new CourseLesson
                {
                    Number = i + 1,
                    Title = tilde < 0 ? text : text[..tilde],
                    DurationSeconds = minutes * 60,
                    IsFreePreview = free,
                };
            }).ToList(),
        };
    }

    private async Task ImportMediaAsync(CancellationToken ct)
    {
        var root = Path.GetFullPath(Path.Combine(environment.ContentRootPath, seedOptions.Value.AssetsPath));
        if (!Directory.Exists(root))
        {
            root = Path.Combine(AppContext.BaseDirectory, "wwwroot-assets");
        }

        if (!Directory.Exists(root))
        {
            logger.LogWarning("Seed media folder not found ({Path}); courses will show without covers", root);
            return;
        }

        var imported = 0;
        try
        {
            foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                var key = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
                if (!StorageKeys.IsValid(key) || MediaRules.TypeOf(key) is null || await files.StatAsync(key, ct) is not null)
                {
                    continue;
                }

                await using var stream = File.OpenRead(path);
                await files.SaveAsync(key, stream, MediaRules.ContentTypeOf(key), ct);
                imported++;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An unreachable or misconfigured remote store must not keep the shop from starting; the next start retries.
            logger.LogWarning(ex, "Could not import the seed media into the {Provider} store ({Imported} imported so far): {Reason}",
                files.Provider, imported, ex.Message);
        }

        if (imported > 0)
        {
            logger.LogInformation("Imported {Count} seed media file(s) into the file store", imported);
        }
    }
}
