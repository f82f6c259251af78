from tortoise import migrations
from tortoise.migrations import operations as ops
from jxfed.activitypub.models import QueueState
from jxfed.actors.models import ActorKind, FollowState, Profile
from jxfed.spaces.models import Access, MembershipState, Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.CharField(max_length=500)),
                ('sender_id', fields.IntField()),
                ('inbox', fields.CharField(max_length=1000)),
                ('host', fields.CharField(max_length=255)),
                ('body', fields.TextField(unique=False)),
                ('state', fields.CharEnumField(default=QueueState.PENDING, description='PENDING: pending\nDONE: done\nFAILED: failed', enum_type=QueueState, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_try_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claim_token', fields.CharField(null=True, max_length=32)),
                ('last_status', fields.IntField(null=True)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'delivery', 'app': 'jxfed', 'unique_together': (('activity_id', 'inbox'),), 'indexes': [Index(fields=['state', 'next_try_at']), Index(fields=['host', 'state'])], 'pk_attr': 'id', 'table_description': "One activity to send to one inbox, signed at send time by its sender's key."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HostState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('host', fields.CharField(unique=True, max_length=255)),
                ('failures', fields.IntField(default=0)),
                ('paused_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('signature_scheme', fields.CharField(default='cavage', max_length=16)),
            ],
            options={'table': 'host_state', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'What we learnt of a peer host: failures in a row, a pause, the signature scheme it takes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InboxItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity_id', fields.CharField(unique=True, max_length=500)),
                ('actor', fields.CharField(max_length=500)),
                ('document', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('state', fields.CharEnumField(default=QueueState.PENDING, description='PENDING: pending\nDONE: done\nFAILED: failed', enum_type=QueueState, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_try_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claim_token', fields.CharField(null=True, max_length=32)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'inbox_item', 'app': 'jxfed', 'indexes': [Index(fields=['state', 'next_try_at'])], 'pk_attr': 'id', 'table_description': 'An accepted activity, stored before the 202 and processed once by a worker.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LocalActor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='PERSON: person\nGROUP: group\nAPPLICATION: application', enum_type=ActorKind, max_length=16)),
                ('name', fields.CharField(unique=True, max_length=64)),
                ('display_name', fields.CharField(default='', max_length=200)),
                ('summary', fields.TextField(default='', unique=False)),
                ('rsa_private_pem', fields.TextField(unique=False)),
                ('rsa_public_pem', fields.TextField(unique=False)),
                ('ed25519_private_pem', fields.TextField(unique=False)),
                ('ed25519_public_multibase', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'local_actor', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'Every actor this instance serves, in one table so members and spaces share one name space.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Follower',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('followed', fields.ForeignKeyField('jxfed.LocalActor', source_field='followed_id', db_constraint=True, to_field='id', related_name='followers', on_delete=OnDelete.CASCADE)),
                ('follower_uri', fields.CharField(max_length=500)),
                ('inbox', fields.CharField(max_length=1000)),
                ('follow_id', fields.CharField(max_length=500)),
                ('state', fields.CharEnumField(description='PENDING: pending\nACCEPTED: accepted', enum_type=FollowState, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'follower', 'app': 'jxfed', 'unique_together': (('followed', 'follower_uri'),), 'pk_attr': 'id', 'table_description': 'An actor (of a peer, or local) who follows a local actor.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Following',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('follower', fields.ForeignKeyField('jxfed.LocalActor', source_field='follower_id', db_constraint=True, to_field='id', related_name='following', on_delete=OnDelete.CASCADE)),
                ('target_uri', fields.CharField(max_length=500)),
                ('follow_id', fields.CharField(unique=True, max_length=500)),
                ('state', fields.CharEnumField(description='PENDING: pending\nACCEPTED: accepted', enum_type=FollowState, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'following', 'app': 'jxfed', 'unique_together': (('follower', 'target_uri'),), 'pk_attr': 'id', 'table_description': 'A local member following an actor of a peer instance.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.OneToOneField('jxfed.LocalActor', source_field='actor_id', db_constraint=True, to_field='id', related_name='member', on_delete=OnDelete.CASCADE)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('profile', fields.CharEnumField(default=Profile.MEMBER, description='MEMBER: member\nTRUSTED: trusted\nADMINISTRATOR: administrator', enum_type=Profile, max_length=16)),
            ],
            options={'table': 'member', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'A local user account: a Person actor with a password and a profile.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxActivity',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uri', fields.CharField(unique=True, max_length=500)),
                ('actor', fields.ForeignKeyField('jxfed.LocalActor', source_field='actor_id', db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.CASCADE)),
                ('type', fields.CharField(max_length=32)),
                ('document', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('public', fields.BooleanField(default=False)),
                ('published', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'outbox_activity', 'app': 'jxfed', 'indexes': [Index(fields=['actor_id', 'public', 'id'])], 'pk_attr': 'id', 'table_description': 'An activity a local actor published, newest first in its outbox.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Peer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('host', fields.CharField(unique=True, max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'peer', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'A trusted instance, by its domain (`host` or `host:port`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RemoteActor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uri', fields.CharField(unique=True, max_length=500)),
                ('kind', fields.CharField(max_length=32)),
                ('name', fields.CharField(default='', max_length=200)),
                ('preferred_username', fields.CharField(default='', max_length=200)),
                ('inbox', fields.CharField(max_length=1000)),
                ('shared_inbox', fields.CharField(null=True, max_length=1000)),
                ('document', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('fetched_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'remote_actor', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'A cached actor document of a peer instance (fetched signed, by the instance actor).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Space',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.OneToOneField('jxfed.LocalActor', source_field='actor_id', db_constraint=True, to_field='id', related_name='space', on_delete=OnDelete.CASCADE)),
                ('access', fields.CharEnumField(description='OPEN: open\nON_REQUEST: on_request\nCONFIDENTIAL: confidential', enum_type=Access, max_length=16)),
                ('description', fields.TextField(default='', unique=False)),
                ('language', fields.CharField(default='en', max_length=16)),
                ('default_role', fields.CharEnumField(default=Role.CONTRIBUTOR, description='READER: reader\nCONTRIBUTOR: contributor\nCONTENT_MANAGER: content_manager\nSPACE_MANAGER: space_manager', enum_type=Role, max_length=16)),
                ('parent', fields.ForeignKeyField('jxfed.Space', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.SET_NULL)),
                ('archived', fields.BooleanField(default=False)),
            ],
            options={'table': 'space', 'app': 'jxfed', 'pk_attr': 'id', 'table_description': 'A collaborative space, served as a Group actor.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Membership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('space', fields.ForeignKeyField('jxfed.Space', source_field='space_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('actor_uri', fields.CharField(max_length=500)),
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('inbox', fields.CharField(null=True, max_length=1000)),
                ('role', fields.CharEnumField(description='READER: reader\nCONTRIBUTOR: contributor\nCONTENT_MANAGER: content_manager\nSPACE_MANAGER: space_manager', enum_type=Role, max_length=16)),
                ('state', fields.CharEnumField(default=MembershipState.ACCEPTED, description='ACCEPTED: accepted\nPENDING: pending\nINVITED: invited', enum_type=MembershipState, max_length=16)),
                ('activity_id', fields.CharField(null=True, max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'membership', 'app': 'jxfed', 'unique_together': (('space', 'actor_uri'),), 'pk_attr': 'id', 'table_description': "Someone's role in a space: a local member, or an actor of a peer instance."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uri', fields.CharField(unique=True, max_length=500)),
                ('author_uri', fields.CharField(max_length=500)),
                ('type', fields.CharField(default='Note', max_length=32)),
                ('title', fields.CharField(default='', max_length=500)),
                ('content', fields.TextField(unique=False)),
                ('in_reply_to', fields.CharField(null=True, max_length=500)),
                ('audience', fields.CharField(null=True, max_length=500)),
                ('space', fields.ForeignKeyField('jxfed.Space', source_field='space_id', null=True, db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.CASCADE)),
                ('public', fields.BooleanField(default=False)),
                ('local', fields.BooleanField(default=False)),
                ('published', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('document', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'post', 'app': 'jxfed', 'indexes': [Index(fields=['author_uri', 'id'])], 'pk_attr': 'id', 'table_description': 'A news post or note, written here or received from a peer, its HTML sanitised.'},
            bases=['Model'],
        ),
    ]
