from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('jxfed', '0003_following_role')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Bookmark',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('jxfed.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='bookmarks', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mastodon_bookmark', 'app': 'jxfed', 'unique_together': (('member', 'post'),), 'pk_attr': 'id', 'table_description': 'A post a member bookmarked (private to the member).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Boost',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='boosts', on_delete=OnDelete.CASCADE)),
                ('post', fields.ForeignKeyField('jxfed.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='boosts', on_delete=OnDelete.CASCADE)),
                ('activity_id', fields.CharField(unique=True, max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mastodon_boost', 'app': 'jxfed', 'unique_together': (('member', 'post'),), 'pk_attr': 'id', 'table_description': "A member's boost (Announce) of a public post."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FollowedTag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='followed_tags', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mastodon_followed_tag', 'app': 'jxfed', 'unique_together': (('member', 'name'),), 'pk_attr': 'id', 'table_description': 'A hashtag a member follows (lower case, without `#`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotencyKey',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='idempotency_keys', on_delete=OnDelete.CASCADE)),
                ('key', fields.CharField(max_length=64)),
                ('post', fields.ForeignKeyField('jxfed.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='idempotency_keys', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mastodon_idempotency_key', 'app': 'jxfed', 'unique_together': (('member', 'key'),), 'pk_attr': 'id', 'table_description': "The status a member's `Idempotency-Key` created (a retry within the hour returns it)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MediaAttachment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='media', on_delete=OnDelete.CASCADE)),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('media_type', fields.CharField(max_length=32)),
                ('extension', fields.CharField(max_length=8)),
                ('size', fields.IntField()),
                ('width', fields.IntField(null=True)),
                ('height', fields.IntField(null=True)),
                ('description', fields.TextField(default='', unique=False)),
                ('focus_x', fields.FloatField(default=0.0)),
                ('focus_y', fields.FloatField(default=0.0)),
                ('post', fields.ForeignKeyField('jxfed.Post', source_field='post_id', null=True, db_constraint=True, to_field='id', related_name='media', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mastodon_media', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'A file a member uploaded (stored once per SHA-256), attached to at most one post.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostHashtag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('jxfed.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='hashtags', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=64)),
            ],
            options={'table': 'post_hashtag', 'app': 'jxfed', 'unique_together': (('post', 'name'),), 'indexes': [Index(fields=['name', 'post_id'])], 'pk_attr': 'id', 'table_description': 'A hashtag of a post (lower case, without `#`): the index tag timelines read.'},
            bases=['Model'],
        ),
    ]
