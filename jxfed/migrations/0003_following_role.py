from tortoise import migrations
from tortoise.migrations import operations as ops
from jxfed.spaces.models import NotificationKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('jxfed', '0002_mastodon_api')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Following',
            name='role',
            field=fields.CharField(null=True, description='the role a space of a peer gave the member', max_length=32),
        ),
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='NEW_POST: new_post\nREPLY: reply\nREACTION: reaction\nMENTION: mention\nJOIN_REQUEST: join_request\nJOIN_ACCEPTED: join_accepted\nROLE_CHANGED: role_changed', enum_type=NotificationKind, max_length=16),
        ),
    ]
