using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddStatementReconciliation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ReconciliationDays",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastRunBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    NoStatement = table.Column<bool>(type: "INTEGER", nullable: false),
                    StatementRows = table.Column<int>(type: "INTEGER", nullable: false),
                    MatchedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    MismatchCount = table.Column<int>(type: "INTEGER", nullable: false),
                    AlipayIncome = table.Column<long>(type: "INTEGER", nullable: false),
                    AlipayRefunds = table.Column<long>(type: "INTEGER", nullable: false),
                    ShopIncome = table.Column<long>(type: "INTEGER", nullable: false),
                    ShopRefunds = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReconciliationDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReconciliationMismatches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DayId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    OutTradeNo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TradeNo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OutRequestNo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    AlipayAmount = table.Column<long>(type: "INTEGER", nullable: true),
                    ShopAmount = table.Column<long>(type: "INTEGER", nullable: true),
                    OrderKnown = table.Column<bool>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    RepairedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RepairedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReconciliationMismatches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReconciliationMismatches_ReconciliationDays_DayId",
                        column: x => x.DayId,
                        principalTable: "ReconciliationDays",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ReconciliationDays_Date",
                table: "ReconciliationDays",
                column: "Date",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReconciliationMismatches_DayId_Kind",
                table: "ReconciliationMismatches",
                columns: new[] { "DayId", "Kind" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReconciliationMismatches");

            migrationBuilder.DropTable(
                name: "ReconciliationDays");
        }
    }
}
