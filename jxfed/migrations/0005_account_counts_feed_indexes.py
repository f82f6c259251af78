from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

# The counts start from what the database already holds (UPDATE … FROM: SQLite 3.33+, PostgreSQL).
# A member's count is their public posts (written here, so `local`); their actor URI ends in
# /users/NAME. A space's count is its posts without comments.
COUNT_MEMBERS = """
UPDATE local_actor SET statuses_count = counted.n, last_status_at = counted.latest
FROM (SELECT author_uri, COUNT(*) AS n, MAX(published) AS latest FROM post
      WHERE local = TRUE AND public = TRUE AND deleted = FALSE GROUP BY author_uri) AS counted
WHERE local_actor.kind = 'person'
  AND substr(counted.author_uri, length(counted.author_uri) - length(local_actor.name) - 6)
      = '/users/' || local_actor.name
"""
COUNT_SPACES = """
UPDATE local_actor SET statuses_count = counted.n, last_status_at = counted.latest
FROM (SELECT space.actor_id AS actor_id, COUNT(*) AS n, MAX(post.published) AS latest
      FROM post JOIN space ON space.id = post.space_id
      WHERE post.deleted = FALSE AND post.in_reply_to IS NULL GROUP BY space.actor_id) AS counted
WHERE local_actor.id = counted.actor_id
"""


class Migration(migrations.Migration):
    dependencies = [('jxfed', '0004_media_boosts_bookmarks_tags')]

    initial = False

    operations = [
        ops.AddField(
            model_name='LocalActor',
            name='last_status_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='LocalActor',
            name='statuses_count',
            field=fields.IntField(default=0),
        ),
        ops.AddIndex(
            model_name='Post',
            index=Index(fields=['space_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Post',
            index=Index(fields=['in_reply_to']),
        ),
        ops.RunSQL([COUNT_MEMBERS, COUNT_SPACES], reverse_sql=ops.RunSQL.noop),
    ]
