from tortoise import migrations
from tortoise.migrations import operations as ops
from jxfed.actors.models import ActorKind, Profile
from jxfed.spaces.models import Access, Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
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
                ('member', fields.ForeignKeyField('jxfed.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='READER: reader\nCONTRIBUTOR: contributor\nCONTENT_MANAGER: content_manager\nSPACE_MANAGER: space_manager', enum_type=Role, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'membership', 'app': 'jxfed', 'unique_together': (('space', 'member'),), 'pk_attr': 'id', 'table_description': "A local member's role in a space (remote members come with federation)."},
            bases=['Model'],
        ),
    ]
