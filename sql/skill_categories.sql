-- Every skill category (market excluded), for resolving watchlist lines that name a category.
SELECT DISTINCT category
FROM skill
WHERE category <> $market
ORDER BY category;
